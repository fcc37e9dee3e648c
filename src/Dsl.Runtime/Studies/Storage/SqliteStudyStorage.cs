using System.Collections.Concurrent;
using System.Globalization;
using Dsl.Search;
using Dsl.Search.Trials;
using Microsoft.Data.Sqlite;

namespace Dsl.Studies;

/// <summary>
/// A study store in one SQLite file: resumable after a crash, and safe for parallel jobs in one process and for several
/// processes on one machine sharing the file.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is one transaction, committed before its task completes, so a <c>kill -9</c> loses nothing that was
/// reported. Writes take the write lock up front (<c>BEGIN IMMEDIATE</c>): a transaction that starts as a reader and
/// upgrades is what fails with "database is locked" in WAL mode, because SQLite cannot wait for it. Jobs of this process
/// queue on a semaphore; other processes wait in SQLite's busy handler up to <see cref="SqliteStudyStorageOptions.BusyTimeout"/>.
/// </para>
/// <para>
/// The file uses WAL journaling with <c>synchronous = NORMAL</c>: a committed change survives a crash of the process;
/// a power cut may lose the last few commits but never corrupts the file. Keep the file on a local disk: SQLite's
/// locking is unreliable on network file systems.
/// </para>
/// </remarks>
public sealed class SqliteStudyStorage : IStudyStorage
{
    private readonly string connectionString;
    private readonly SqliteStudyStorageOptions options;
    private readonly string where;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly SemaphoreSlim initGate = new(1, 1);
    private readonly ConcurrentDictionary<string, SearchSpace> spaces = new(StringComparer.Ordinal);
    private volatile bool initialized;

    /// <summary>Opens the store in <paramref name="path"/>, creating the file on first use.</summary>
    public SqliteStudyStorage(string path, SqliteStudyStorageOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        this.options = options ?? new SqliteStudyStorageOptions();
        FilePath = System.IO.Path.GetFullPath(path);
        where = $"'{FilePath}'";
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(this.options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public async Task<StudyInfo> CreateOrOpenStudyAsync(StudyDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        TrialSelection.CheckStudyName(definition.Name);
        var description = definition.Space is null ? null : SpaceSignature.Describe(definition.Space);
        var fingerprint = description is null ? "" : SpaceSignature.Fingerprint(description);
        var info = await WriteAsync(async (c, tx) =>
        {
            await using (var select = Command(c, tx,
                "SELECT direction, space_fingerprint, space_description, created_at FROM studies WHERE name = $name",
                ("$name", definition.Name)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    var direction = ParseDirection(reader.GetString(0));
                    var storedFingerprint = reader.GetString(1);
                    var storedDescription = reader.GetString(2);
                    var createdAt = StoreTime.Parse(reader.GetString(3));
                    if (direction != definition.Direction)
                        throw new StudyMismatchException(StudyMessages.DirectionMismatch(definition.Name, where, direction, definition.Direction));
                    if (description is null || storedFingerprint == fingerprint)
                        return new StudyInfo(definition.Name, direction, storedFingerprint, createdAt, Created: false);
                    if (storedFingerprint.Length > 0)
                        throw new StudyMismatchException(StudyMessages.SpaceMismatch(definition.Name, where, storedDescription, description));
                    // Created without a space (by a tool that had none): the first run that knows it records it.
                    reader.Close();
                    await using var adopt = Command(c, tx,
                        "UPDATE studies SET space_fingerprint = $fingerprint, space_description = $description WHERE name = $name",
                        ("$fingerprint", fingerprint), ("$description", description), ("$name", definition.Name));
                    await adopt.ExecuteNonQueryAsync(cancellationToken);
                    return new StudyInfo(definition.Name, direction, fingerprint, createdAt, Created: false);
                }
            }

            var now = options.Time.GetUtcNow();
            await using var insert = Command(c, tx,
                """
                INSERT INTO studies (name, direction, space_fingerprint, space_description, created_at)
                VALUES ($name, $direction, $fingerprint, $description, $created)
                """,
                ("$name", definition.Name), ("$direction", TrialSelection.ToText(definition.Direction)),
                ("$fingerprint", fingerprint), ("$description", description ?? ""), ("$created", StoreTime.Format(now)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return new StudyInfo(definition.Name, definition.Direction, fingerprint, now, Created: true);
        }, cancellationToken);

        if (definition.Space is not null)
            spaces[definition.Name] = definition.Space;
        return info;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StudySummary>> GetStudiesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<StudySummary>>(async (c, tx) =>
        {
            var studies = new List<(long Id, string Name, StudyDirection Direction, DateTimeOffset CreatedAt)>();
            await using (var select = Command(c, tx, "SELECT study_id, name, direction, created_at FROM studies ORDER BY created_at, name"))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    studies.Add((reader.GetInt64(0), reader.GetString(1), ParseDirection(reader.GetString(2)), StoreTime.Parse(reader.GetString(3))));

            var counts = new Dictionary<long, Dictionary<TrialState, int>>();
            await using (var select = Command(c, tx, "SELECT study_id, state, COUNT(*) FROM trials GROUP BY study_id, state"))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (!counts.TryGetValue(reader.GetInt64(0), out var byState))
                        counts[reader.GetInt64(0)] = byState = [];
                    byState[ParseState(reader.GetString(1))] = reader.GetInt32(2);
                }
            }

            var summaries = new List<StudySummary>(studies.Count);
            foreach (var study in studies)
            {
                var best = await BestAsync(c, tx, study.Id, study.Direction, cancellationToken);
                summaries.Add(new StudySummary(
                    study.Name, study.Direction, study.CreatedAt,
                    counts.TryGetValue(study.Id, out var byState) ? byState : new Dictionary<TrialState, int>(),
                    best?.Number, best?.Value));
            }
            return summaries;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> EnqueueTrialAsync(string study, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken = default)
    {
        var normalized = ParameterCodec.Normalize(parameters, Space(study), study);
        return WriteAsync(async (c, tx) =>
        {
            var (studyId, _) = await FindStudyAsync(c, tx, study, cancellationToken);
            var number = await NextNumberAsync(c, tx, studyId, cancellationToken);
            var trialId = await InsertTrialAsync(c, tx, studyId, number, TrialState.Waiting, null, null, 0, cancellationToken);
            await InsertParametersAsync(c, tx, trialId, normalized, cancellationToken);
            return number;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ClaimedTrial> ClaimTrialAsync(string study, string workerId, TrialSampler sampler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentNullException.ThrowIfNull(sampler);
        return WriteAsync(async (c, tx) =>
        {
            var (studyId, _) = await FindStudyAsync(c, tx, study, cancellationToken);
            var now = options.Time.GetUtcNow();

            long trialId = 0;
            int number = 0;
            int? retryOf = null;
            var enqueued = false;
            await using (var select = Command(c, tx,
                "SELECT trial_id, number, retry_of FROM trials WHERE study_id = $study AND state = 'waiting' ORDER BY number LIMIT 1",
                ("$study", studyId)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    trialId = reader.GetInt64(0);
                    number = reader.GetInt32(1);
                    retryOf = reader.IsDBNull(2) ? null : reader.GetInt32(2);
                    enqueued = true;
                }
            }

            IReadOnlyDictionary<string, object> parameters;
            if (enqueued)
            {
                await using var start = Command(c, tx, "UPDATE trials SET state = 'running' WHERE trial_id = $trial", ("$trial", trialId));
                await start.ExecuteNonQueryAsync(cancellationToken);
                parameters = (await LoadTrialsAsync(c, tx, studyId, study, trialId, cancellationToken))[0].Parameters;
            }
            else
            {
                var history = await LoadTrialsAsync(c, tx, studyId, study, null, cancellationToken);
                number = history.Count == 0 ? 0 : history[^1].Number + 1;
                var sampled = ParameterCodec.Normalize(sampler(number, history), Space(study), study);
                trialId = await InsertTrialAsync(c, tx, studyId, number, TrialState.Running, null, null, 0, cancellationToken);
                await InsertParametersAsync(c, tx, trialId, sampled, cancellationToken);
                parameters = sampled;
            }

            var process = options.Process;
            await using var claim = Command(c, tx,
                """
                UPDATE trials
                SET started_at = $now, heartbeat_at = $now, worker_id = $worker,
                    worker_host = $host, worker_pid = $pid, worker_started = $started
                WHERE trial_id = $trial
                """,
                ("$now", StoreTime.Format(now)), ("$worker", workerId), ("$host", process.Host), ("$pid", process.Pid),
                ("$started", StoreTime.Format(process.StartedAt)), ("$trial", trialId));
            await claim.ExecuteNonQueryAsync(cancellationToken);
            return new ClaimedTrial(number, parameters, enqueued, retryOf, now);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReportIntermediateValueAsync(string study, int trial, int step, double value, CancellationToken cancellationToken = default)
    {
        TrialSelection.CheckIntermediate(step, value);
        return WriteAsync(async (c, tx) =>
        {
            var trialId = await FindRunningTrialAsync(c, tx, study, trial, "report a value for", cancellationToken);
            await using var upsert = Command(c, tx,
                """
                INSERT INTO trial_values (trial_id, step, value, reported_at) VALUES ($trial, $step, $value, $now)
                ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value, reported_at = excluded.reported_at
                """,
                ("$trial", trialId), ("$step", step), ("$value", value), ("$now", StoreTime.Format(options.Time.GetUtcNow())));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetTrialAttributeAsync(string study, int trial, string key, string value, CancellationToken cancellationToken = default)
    {
        TrialSelection.CheckAttributeKey(key);
        ArgumentNullException.ThrowIfNull(value);
        return WriteAsync(async (c, tx) =>
        {
            var (studyId, _) = await FindStudyAsync(c, tx, study, cancellationToken);
            var (trialId, _) = await FindTrialAsync(c, tx, studyId, study, trial, cancellationToken);
            await using var upsert = Command(c, tx,
                """
                INSERT INTO trial_attributes (trial_id, key, value) VALUES ($trial, $key, $value)
                ON CONFLICT (trial_id, key) DO UPDATE SET value = excluded.value
                """,
                ("$trial", trialId), ("$key", key), ("$value", value));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task FinishTrialAsync(string study, int trial, TrialResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteAsync(async (c, tx) =>
        {
            var trialId = await FindRunningTrialAsync(c, tx, study, trial, "finish", cancellationToken);
            var value = result.Value;
            if (result.State == TrialState.Pruned && value is null)
            {
                await using var last = Command(c, tx,
                    "SELECT value FROM trial_values WHERE trial_id = $trial ORDER BY step DESC LIMIT 1", ("$trial", trialId));
                value = await last.ExecuteScalarAsync(cancellationToken) is double d ? d : null;
            }
            await using var finish = Command(c, tx,
                "UPDATE trials SET state = $state, value = $value, error = $error, finished_at = $now WHERE trial_id = $trial",
                ("$state", TrialSelection.ToText(result.State)), ("$value", value), ("$error", result.Error),
                ("$now", StoreTime.Format(options.Time.GetUtcNow())), ("$trial", trialId));
            await finish.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task HeartbeatAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        return WriteAsync(async (c, tx) =>
        {
            await using var beat = Command(c, tx,
                "UPDATE trials SET heartbeat_at = $now WHERE worker_id = $worker AND state = 'running'",
                ("$now", StoreTime.Format(options.Time.GetUtcNow())), ("$worker", workerId));
            return await beat.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveredTrial>> RecoverStaleTrialsAsync(string study, StaleTrialPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return WriteAsync<IReadOnlyList<RecoveredTrial>>(async (c, tx) =>
        {
            var (studyId, _) = await FindStudyAsync(c, tx, study, cancellationToken);
            var now = options.Time.GetUtcNow();
            var running = new List<(long TrialId, RunningTrial Trial)>();
            await using (var select = Command(c, tx,
                """
                SELECT trial_id, number, worker_id, worker_host, worker_pid, worker_started, heartbeat_at, retry_count
                FROM trials WHERE study_id = $study AND state = 'running' ORDER BY number
                """,
                ("$study", studyId)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var process = reader.IsDBNull(3) || reader.IsDBNull(4) || reader.IsDBNull(5)
                        ? null
                        : new WorkerProcess(reader.GetString(3), reader.GetInt32(4), StoreTime.Parse(reader.GetString(5)));
                    running.Add((reader.GetInt64(0), new RunningTrial(
                        reader.GetInt32(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        process,
                        reader.IsDBNull(6) ? null : StoreTime.Parse(reader.GetString(6)),
                        reader.GetInt32(7))));
                }
            }

            var recovered = new List<RecoveredTrial>();
            foreach (var (trialId, trial) in running)
            {
                if (StaleTrialJudge.WhyStale(trial, policy, now) is not { } error)
                    continue;
                await using (var fail = Command(c, tx,
                    "UPDATE trials SET state = 'failed', error = $error, finished_at = $now WHERE trial_id = $trial",
                    ("$error", error), ("$now", StoreTime.Format(now)), ("$trial", trialId)))
                    await fail.ExecuteNonQueryAsync(cancellationToken);

                int? retry = null;
                if (StaleTrialJudge.ShouldRetry(trial, policy))
                {
                    var number = await NextNumberAsync(c, tx, studyId, cancellationToken);
                    var retryId = await InsertTrialAsync(c, tx, studyId, number, TrialState.Waiting, trial.Number, null, trial.RetryCount + 1, cancellationToken);
                    await using var copy = Command(c, tx,
                        """
                        INSERT INTO trial_params (trial_id, name, kind, value)
                        SELECT $retry, name, kind, value FROM trial_params WHERE trial_id = $trial ORDER BY rowid
                        """,
                        ("$retry", retryId), ("$trial", trialId));
                    await copy.ExecuteNonQueryAsync(cancellationToken);
                    retry = number;
                }
                recovered.Add(new RecoveredTrial(trial.Number, error, retry));
            }
            return recovered;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string study, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<TrialRecord>>(async (c, tx) =>
        {
            var (studyId, _) = await FindStudyAsync(c, tx, study, cancellationToken);
            return await LoadTrialsAsync(c, tx, studyId, study, null, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TrialRecord?> GetBestTrialAsync(string study, CancellationToken cancellationToken = default) =>
        ReadAsync<TrialRecord?>(async (c, tx) =>
        {
            var (studyId, direction) = await FindStudyAsync(c, tx, study, cancellationToken);
            if (await BestAsync(c, tx, studyId, direction, cancellationToken) is not { } best)
                return null;
            return (await LoadTrialsAsync(c, tx, studyId, study, best.TrialId, cancellationToken))[0];
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the caller may move or delete it.
        using (var connection = new SqliteConnection(connectionString))
            SqliteConnection.ClearPool(connection);
        writeGate.Dispose();
        initGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private SearchSpace? Space(string study) => spaces.TryGetValue(study, out var space) ? space : null;

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            // A read transaction pins one WAL snapshot, so the several queries of a read agree with each other.
            using var transaction = connection.BeginTransaction(deferred: true);
            return await body(connection, transaction);
        }
        catch (SqliteException e)
        {
            throw Translate(e);
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE
            var result = await body(connection, transaction);
            transaction.Commit();
            return result;
        }
        catch (SqliteException e)
        {
            throw Translate(e);
        }
        finally
        {
            writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (initialized)
            return;
        await initGate.WaitAsync(cancellationToken);
        try
        {
            if (initialized)
                return;
            await using var connection = await OpenAsync(cancellationToken);
            await using (var wal = Command(connection, null, "PRAGMA journal_mode = WAL"))
                await wal.ExecuteScalarAsync(cancellationToken);

            using var transaction = connection.BeginTransaction(deferred: false);
            var tables = new List<string>();
            await using (var select = Command(connection, transaction,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    tables.Add(reader.GetString(0));

            var version = 0;
            if (tables.Contains("schema_version"))
            {
                await using var select = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
                version = Convert.ToInt32(await select.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }
            else if (tables.Count > 0)
            {
                throw new StudyStorageException(
                    $"{where} is a SQLite database but not a Dsl study store: it has tables ({string.Join(", ", tables)}) and no schema_version. "
                    + "Give the sweep another file.");
            }

            if (version > SqliteSchema.CurrentVersion)
                throw new StudyStorageException(
                    $"{where} holds a study store of schema version {version}, but this Dsl.Runtime reads up to version {SqliteSchema.CurrentVersion}. Upgrade Dsl.Runtime to open it.");
            for (var next = version; next < SqliteSchema.CurrentVersion; next++)
            {
                await using (var migrate = Command(connection, transaction, SqliteSchema.Migrations[next]))
                    await migrate.ExecuteNonQueryAsync(cancellationToken);
                await using var record = Command(connection, transaction,
                    "INSERT INTO schema_version (version, applied_at) VALUES ($version, $now)",
                    ("$version", next + 1), ("$now", StoreTime.Format(options.Time.GetUtcNow())));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            transaction.Commit();
            initialized = true;
        }
        catch (SqliteException e)
        {
            throw Translate(e);
        }
        finally
        {
            initGate.Release();
        }
    }

    private StudyStorageException Translate(SqliteException e) => e.SqliteErrorCode switch
    {
        // SQLITE_NOTADB, SQLITE_CORRUPT
        26 or 11 => new($"{where} is not a Dsl study store, or is damaged ({e.Message}). Give the sweep another file.", e),
        // SQLITE_CANTOPEN
        14 => new($"Cannot open or create the study store {where} ({e.Message}). Check that its folder exists and is writable.", e),
        // SQLITE_BUSY, SQLITE_LOCKED: only after the busy timeout, so another writer really held the file that long.
        5 or 6 => new($"The study store {where} stayed locked by another writer for more than {options.BusyTimeout.TotalSeconds:0} s ({e.Message}).", e),
        // SQLITE_READONLY
        8 => new($"The study store {where} is read-only ({e.Message}).", e),
        _ => new($"The study store {where} failed: {e.Message}", e),
    };

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private async Task<(long Id, StudyDirection Direction)> FindStudyAsync(SqliteConnection c, SqliteTransaction tx, string study, CancellationToken cancellationToken)
    {
        await using var select = Command(c, tx, "SELECT study_id, direction FROM studies WHERE name = $name", ("$name", study));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), ParseDirection(reader.GetString(1)))
            : throw new StudyStorageException(StudyMessages.NoStudy(study, where));
    }

    private static async Task<(long Id, TrialState State)> FindTrialAsync(
        SqliteConnection c, SqliteTransaction tx, long studyId, string study, int number, CancellationToken cancellationToken)
    {
        await using var select = Command(c, tx,
            "SELECT trial_id, state FROM trials WHERE study_id = $study AND number = $number", ("$study", studyId), ("$number", number));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), ParseState(reader.GetString(1)))
            : throw new StudyStorageException(StudyMessages.NoTrial(study, number));
    }

    private async Task<long> FindRunningTrialAsync(
        SqliteConnection c, SqliteTransaction tx, string study, int number, string operation, CancellationToken cancellationToken)
    {
        var (studyId, _) = await FindStudyAsync(c, tx, study, cancellationToken);
        var (trialId, state) = await FindTrialAsync(c, tx, studyId, study, number, cancellationToken);
        return state == TrialState.Running ? trialId : throw new TrialStateException(study, number, state, operation);
    }

    private static async Task<int> NextNumberAsync(SqliteConnection c, SqliteTransaction tx, long studyId, CancellationToken cancellationToken)
    {
        await using var select = Command(c, tx, "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = $study", ("$study", studyId));
        return Convert.ToInt32(await select.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task<long> InsertTrialAsync(
        SqliteConnection c, SqliteTransaction tx, long studyId, int number, TrialState state, int? retryOf, string? error, int retryCount,
        CancellationToken cancellationToken)
    {
        await using var insert = Command(c, tx,
            """
            INSERT INTO trials (study_id, number, state, error, created_at, retry_of, retry_count)
            VALUES ($study, $number, $state, $error, $now, $retryOf, $retryCount)
            RETURNING trial_id
            """,
            ("$study", studyId), ("$number", number), ("$state", TrialSelection.ToText(state)), ("$error", error),
            ("$now", StoreTime.Format(options.Time.GetUtcNow())), ("$retryOf", retryOf), ("$retryCount", retryCount));
        return Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task InsertParametersAsync(
        SqliteConnection c, SqliteTransaction tx, long trialId, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        await using var insert = Command(c, tx,
            "INSERT INTO trial_params (trial_id, name, kind, value) VALUES ($trial, $name, $kind, $value)",
            ("$trial", trialId), ("$name", ""), ("$kind", ""), ("$value", ""));
        foreach (var (name, value) in parameters)
        {
            var (kind, json) = ParameterCodec.Encode(value);
            insert.Parameters["$name"].Value = name;
            insert.Parameters["$kind"].Value = kind;
            insert.Parameters["$value"].Value = json;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<(long TrialId, int Number, double Value)?> BestAsync(
        SqliteConnection c, SqliteTransaction tx, long studyId, StudyDirection direction, CancellationToken cancellationToken)
    {
        var order = direction == StudyDirection.Minimize ? "ASC" : "DESC";
        await using var select = Command(c, tx,
            $"SELECT trial_id, number, value FROM trials WHERE study_id = $study AND state = 'complete' AND value IS NOT NULL ORDER BY value {order}, number LIMIT 1",
            ("$study", studyId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt32(1), reader.GetDouble(2)) : null;
    }

    /// <summary>Reads whole trials (parameters, values, attributes) of a study, or the one trial <paramref name="onlyTrialId"/>.</summary>
    private async Task<List<TrialRecord>> LoadTrialsAsync(
        SqliteConnection c, SqliteTransaction tx, long studyId, string study, long? onlyTrialId, CancellationToken cancellationToken)
    {
        var filter = onlyTrialId is null ? "" : " AND t.trial_id = $trial";
        (string, object?)[] arguments = [("$study", studyId), ("$trial", onlyTrialId)];
        var space = Space(study);

        var rows = new List<(long Id, TrialRow Row)>();
        var byId = new Dictionary<long, TrialRow>();
        await using (var select = Command(c, tx,
            $"""
            SELECT t.trial_id, t.number, t.state, t.value, t.error, t.started_at, t.finished_at, t.heartbeat_at, t.worker_id, t.retry_of
            FROM trials t WHERE t.study_id = $study{filter} ORDER BY t.number
            """, arguments))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new TrialRow(
                    reader.GetInt32(1),
                    ParseState(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetDouble(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : StoreTime.Parse(reader.GetString(5)),
                    reader.IsDBNull(6) ? null : StoreTime.Parse(reader.GetString(6)),
                    reader.IsDBNull(7) ? null : StoreTime.Parse(reader.GetString(7)),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetInt32(9));
                rows.Add((reader.GetInt64(0), row));
                byId[reader.GetInt64(0)] = row;
            }
        }

        await using (var select = Command(c, tx,
            $"SELECT p.trial_id, p.name, p.kind, p.value FROM trial_params p JOIN trials t ON t.trial_id = p.trial_id WHERE t.study_id = $study{filter} ORDER BY p.rowid",
            arguments))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(1);
                var value = ParameterCodec.Decode(name, reader.GetString(2), reader.GetString(3));
                byId[reader.GetInt64(0)].Parameters[name] =
                    ParameterCodec.FromStore(value, space is not null && space.Contains(name) ? space[name] : null);
            }
        }

        await using (var select = Command(c, tx,
            $"SELECT v.trial_id, v.step, v.value FROM trial_values v JOIN trials t ON t.trial_id = v.trial_id WHERE t.study_id = $study{filter} ORDER BY v.trial_id, v.step",
            arguments))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                byId[reader.GetInt64(0)].IntermediateValues[reader.GetInt32(1)] = reader.GetDouble(2);

        await using (var select = Command(c, tx,
            $"SELECT a.trial_id, a.key, a.value FROM trial_attributes a JOIN trials t ON t.trial_id = a.trial_id WHERE t.study_id = $study{filter} ORDER BY a.trial_id, a.key",
            arguments))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                byId[reader.GetInt64(0)].Attributes[reader.GetString(1)] = reader.GetString(2);

        return rows.Select(r => r.Row.ToRecord()).ToList();
    }

    private static StudyDirection ParseDirection(string text) => text switch
    {
        "minimize" => StudyDirection.Minimize,
        "maximize" => StudyDirection.Maximize,
        _ => throw new StudyStorageException($"Unknown study direction '{text}' in the store."),
    };

    private static TrialState ParseState(string text) => text switch
    {
        "waiting" => TrialState.Waiting,
        "running" => TrialState.Running,
        "complete" => TrialState.Complete,
        "pruned" => TrialState.Pruned,
        "failed" => TrialState.Failed,
        _ => throw new StudyStorageException($"Unknown trial state '{text}' in the store."),
    };

    private sealed record TrialRow(
        int Number, TrialState State, double? Value, string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
        DateTimeOffset? HeartbeatAt, string? WorkerId, int? RetryOf)
    {
        public Dictionary<string, object> Parameters { get; } = new(StringComparer.Ordinal);
        public Dictionary<int, double> IntermediateValues { get; } = [];
        public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

        public TrialRecord ToRecord() => new(Number, State, Parameters, Value, IntermediateValues)
        {
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            Error = Error,
            Attributes = StudyMessages.WithSystemAttributes(Attributes, WorkerId, RetryOf, HeartbeatAt),
        };
    }
}
