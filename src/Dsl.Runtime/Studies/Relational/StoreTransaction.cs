using System.Data.Common;
using System.Globalization;

namespace Dsl.Studies.Relational;

/// <summary>One open transaction of a relational store, and the few ways the store talks to it: statements, scalars and rows.</summary>
internal sealed class StoreTransaction(DbConnection connection, DbTransaction transaction, StoreStatistics statistics)
{
    public DbTransaction Transaction => transaction;

    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public async Task<StoreRows> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = Command(sql, parameters);
        try
        {
            return new StoreRows(command, await command.ExecuteReaderAsync(cancellationToken));
        }
        catch
        {
            await command.DisposeAsync();
            throw;
        }
    }

    /// <summary>A statement to run many times with changing values: set its parameters, then execute it.</summary>
    public Statement Prepare(string sql, params string[] names)
    {
        var command = Command(sql, [], count: false);
        return new Statement(command, names.Select(name => Add(command, name, null)).ToArray(), statistics);
    }

    private DbCommand Command(string sql, (string Name, object? Value)[] parameters, bool count = true)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            Add(command, name, value);
        if (count) statistics.Statement();
        return command;
    }

    private static DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}

/// <summary>A prepared statement: its parameters in the order they were named, and each execution counted.</summary>
internal sealed class Statement(DbCommand command, DbParameter[] parameters, StoreStatistics statistics) : IAsyncDisposable
{
    public IReadOnlyList<DbParameter> Parameters => parameters;

    public Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        statistics.Statement();
        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => command.DisposeAsync();
}

/// <summary>The rows of a query; columns are read through <c>Convert</c>, so a database may return an integer as <c>int</c> or <c>long</c>.</summary>
internal sealed class StoreRows(DbCommand command, DbDataReader reader) : IAsyncDisposable
{
    public Task<bool> ReadAsync(CancellationToken cancellationToken) => reader.ReadAsync(cancellationToken);

    public bool IsNull(int column) => reader.IsDBNull(column);

    public string Text(int column) => reader.GetString(column);

    public int Int(int column) => Convert.ToInt32(reader.GetValue(column), CultureInfo.InvariantCulture);

    public long Long(int column) => Convert.ToInt64(reader.GetValue(column), CultureInfo.InvariantCulture);

    public double Real(int column) => Convert.ToDouble(reader.GetValue(column), CultureInfo.InvariantCulture);

    public string? NullableText(int column) => IsNull(column) ? null : Text(column);

    public int? NullableInt(int column) => IsNull(column) ? null : Int(column);

    public double? NullableReal(int column) => IsNull(column) ? null : Real(column);

    public DateTimeOffset? NullableTime(int column) => IsNull(column) ? null : StoreTime.Parse(Text(column));

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await command.DisposeAsync();
    }
}
