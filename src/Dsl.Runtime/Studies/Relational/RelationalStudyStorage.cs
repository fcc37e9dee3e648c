using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Dsl.Search.Trials;
using Dsl.Search;

namespace Dsl.Studies.Relational;

/// <summary>
/// A study store in a relational database, through ADO.NET: the trial state machine, claims, heartbeats and recovery
/// written once, with a <see cref="SqlDialect"/> for what each database does its own way. Resumable after a crash, and
/// safe for parallel jobs, processes and (on a server database) machines sharing the store.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is one transaction, committed before its task completes, so a <c>kill -9</c> loses nothing that was
/// reported. Claims, enqueues and recoveries, which number trials, run one at a time per study (see
/// <see cref="SqlDialect.LockStudyRowClause"/>), and the sampler runs inside the claim.
/// </para>
/// <para>
/// Finished trials are cached by the store: a finished trial changes only through its attributes, and every change to
/// it bumps its row's <c>revision</c>, so a read fetches the <c>trials</c> rows and then the parameters, values and
/// attributes of only the waiting and running trials and of finished ones whose revision moved, in this process or another.
/// </para>
/// </remarks>
public sealed partial class RelationalStudyStorage : IStudyStorage
{
    // Trials whose details are fetched by id in one statement; past it, a read fetches the whole study's.
    private const int MaxTrialsById = 200;
    private const int MaxAttempts = 5;
    private const int FirstRevisionedVersion = 2;
    private const int FirstStudyAttributesVersion = 3;

    private readonly SqlDialect dialect;
    private readonly DbDataSource source;
    private readonly RelationalStudyStorageOptions options;
    private readonly string where;
    private readonly SemaphoreSlim? writeGate;
    private readonly SemaphoreSlim initGate = new(1, 1);
    private readonly ConcurrentDictionary<string, SearchSpace> spaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FinishedTrialCache> caches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Id, StudyDirection Direction)> studyIds = new(StringComparer.Ordinal);
    private volatile bool initialized;
    private bool revisioned;
    private bool hasStudyAttributes;

    /// <summary>A store in the database <paramref name="dataSource"/> connects to; the store owns and disposes the data source.</summary>
    /// <param name="dialect">What the database does its own way.</param>
    /// <param name="dataSource">Opens connections, set up as the database needs them (the connection factory).</param>
    /// <param name="location">Where the store is, for messages: a file path, or a server and database without credentials.</param>
    /// <param name="options">Read-only mode and the clock; null for the defaults.</param>
    public RelationalStudyStorage(SqlDialect dialect, DbDataSource dataSource, string location, RelationalStudyStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        this.dialect = dialect;
        source = dataSource;
        this.options = options ?? new RelationalStudyStorageOptions();
        Location = location;
        where = $"'{location}'";
        writeGate = dialect.QueueWritersInProcess ? new SemaphoreSlim(1, 1) : null;
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public bool IsPersistent => true;

    /// <summary>What this store has sent its database so far, for measuring round trips.</summary>
    internal StoreStatistics Statistics { get; } = new();

    /// <inheritdoc />
    public async Task<StudyInfo> CreateOrOpenStudyAsync(StudyDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        TrialSelection.CheckStudyName(definition.Name);
        var description = definition.Space is null ? null : SpaceSignature.Describe(definition.Space);
        var fingerprint = description is null ? "" : SpaceSignature.Fingerprint(description);
        var info = options.ReadOnly
            ? await ReadAsync(tx => OpenStudyAsync(tx, definition, description, fingerprint, cancellationToken), cancellationToken)
                ?? throw new StudyStorageException(StudyMessages.NoStudy(definition.Name, where))
            : await WriteAsync(async tx =>
            {
                if (await OpenStudyAsync(tx, definition, description, fingerprint, cancellationToken) is { } existing)
                    return existing;
                var now = options.Time.GetUtcNow();
                // Two workers of a server store may create the study at once: the second waits for the first's row, then
                // opens it as it stands.
                if (await tx.ExecuteAsync(
                        """
                        INSERT INTO studies (name, direction, space_fingerprint, space_description, created_at)
                        VALUES (@name, @direction, @fingerprint, @description, @created)
                        ON CONFLICT (name) DO NOTHING
                        """,
                        cancellationToken,
                        ("@name", definition.Name), ("@direction", TrialSelection.ToText(definition.Direction)),
                        ("@fingerprint", fingerprint), ("@description", description ?? ""), ("@created", StoreTime.Format(now))) == 0)
                    return await OpenStudyAsync(tx, definition, description, fingerprint, cancellationToken)
                           ?? throw new StudyStorageException(StudyMessages.NoStudy(definition.Name, where));
                return new StudyInfo(definition.Name, definition.Direction, fingerprint, now, Created: true);
            }, cancellationToken);

        if (definition.Space is not null && !(spaces.TryGetValue(definition.Name, out var known) && ReferenceEquals(known, definition.Space)))
        {
            spaces[definition.Name] = definition.Space;
            // Cached trials were decoded without this space's types.
            caches.TryRemove(definition.Name, out _);
        }
        return info;
    }

    /// <summary>Opens an existing study, checking it against <paramref name="definition"/>; null when there is none.</summary>
    private async Task<StudyInfo?> OpenStudyAsync(
        StoreTransaction tx, StudyDefinition definition, string? description, string fingerprint, CancellationToken cancellationToken)
    {
        StudyDirection direction;
        string storedFingerprint, storedDescription;
        DateTimeOffset createdAt;
        await using (var rows = await tx.QueryAsync(
            "SELECT direction, space_fingerprint, space_description, created_at FROM studies WHERE name = @name",
            cancellationToken, ("@name", definition.Name)))
        {
            if (!await rows.ReadAsync(cancellationToken))
                return null;
            direction = ParseDirection(rows.Text(0));
            storedFingerprint = rows.Text(1);
            storedDescription = rows.Text(2);
            createdAt = StoreTime.Parse(rows.Text(3));
        }

        if (direction != definition.Direction)
            throw new StudyMismatchException(StudyMessages.DirectionMismatch(definition.Name, where, direction, definition.Direction));
        if (description is null || storedFingerprint == fingerprint)
            return new StudyInfo(definition.Name, direction, storedFingerprint, createdAt, Created: false);
        if (storedFingerprint.Length > 0)
            throw new StudyMismatchException(StudyMessages.SpaceMismatch(definition.Name, where, storedDescription, description));
        if (options.ReadOnly)
            return new StudyInfo(definition.Name, direction, storedFingerprint, createdAt, Created: false);
        // Created without a space (by a tool that had none): the first run that knows it records it.
        await tx.ExecuteAsync(
            "UPDATE studies SET space_fingerprint = @fingerprint, space_description = @description WHERE name = @name",
            cancellationToken, ("@fingerprint", fingerprint), ("@description", description), ("@name", definition.Name));
        return new StudyInfo(definition.Name, direction, fingerprint, createdAt, Created: false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StudySummary>> GetStudiesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<StudySummary>>(async tx =>
        {
            var studies = new List<(long Id, string Name, StudyDirection Direction, DateTimeOffset CreatedAt)>();
            await using (var rows = await tx.QueryAsync( "SELECT study_id, name, direction, created_at FROM studies ORDER BY created_at, name", cancellationToken))
                while (await rows.ReadAsync(cancellationToken))
                    studies.Add((rows.Long(0), rows.Text(1), ParseDirection(rows.Text(2)), StoreTime.Parse(rows.Text(3))));

            var counts = new Dictionary<long, Dictionary<TrialState, int>>();
            await using (var rows = await tx.QueryAsync( "SELECT study_id, state, COUNT(*) FROM trials GROUP BY study_id, state", cancellationToken))
            {
                while (await rows.ReadAsync(cancellationToken))
                {
                    if (!counts.TryGetValue(rows.Long(0), out var byState))
                        counts[rows.Long(0)] = byState = [];
                    byState[ParseState(rows.Text(1))] = rows.Int(2);
                }
            }

            var summaries = new List<StudySummary>(studies.Count);
            foreach (var study in studies)
            {
                var best = await BestAsync(tx, study.Id, study.Direction, cancellationToken);
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
        var normalized = StoredParameters.Normalize(parameters, Space(study), study);
        return WriteAsync(async tx =>
        {
            var (studyId, _) = await FindStudyAsync(tx, study, lockRow: true, cancellationToken);
            var number = await NextNumberAsync(tx, studyId, cancellationToken);
            var trialId = await InsertTrialAsync(tx, studyId, number, TrialState.Waiting, null, 0, cancellationToken);
            await InsertParametersAsync(tx, trialId, normalized, cancellationToken);
            return number;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ClaimedTrial> ClaimTrialAsync(string study, string workerId, TrialSampler sampler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentNullException.ThrowIfNull(sampler);
        return WriteAsync(async tx =>
        {
            var (studyId, _) = await FindStudyAsync(tx, study, lockRow: true, cancellationToken);
            var now = options.Time.GetUtcNow();

            long trialId = 0;
            int number = 0;
            int? retryOf = null;
            var enqueued = false;
            await using (var rows = await tx.QueryAsync(
                "SELECT trial_id, number, retry_of FROM trials WHERE study_id = @study AND state = 'waiting' ORDER BY number LIMIT 1",
                cancellationToken, ("@study", studyId)))
            {
                if (await rows.ReadAsync(cancellationToken))
                {
                    trialId = rows.Long(0);
                    number = rows.Int(1);
                    retryOf = rows.NullableInt(2);
                    enqueued = true;
                }
            }

            IReadOnlyDictionary<string, object> parameters;
            if (enqueued)
            {
                parameters = (await LoadTrialsAsync(tx, studyId, study, trialId, cancellationToken))[0].Parameters;
                await tx.ExecuteAsync( "UPDATE trials SET state = 'running' WHERE trial_id = @trial", cancellationToken, ("@trial", trialId));
            }
            else
            {
                var history = await LoadTrialsAsync(tx, studyId, study, null, cancellationToken);
                number = history.Count == 0 ? 0 : history[^1].Number + 1;
                var sampled = StoredParameters.Normalize(sampler(number, history), Space(study), study);
                trialId = await InsertTrialAsync(tx, studyId, number, TrialState.Running, null, 0, cancellationToken);
                await InsertParametersAsync(tx, trialId, sampled, cancellationToken);
                parameters = sampled;
            }

            var process = options.Process;
            await tx.ExecuteAsync(
                """
                UPDATE trials
                SET started_at = @now, heartbeat_at = @now, worker_id = @worker,
                    worker_host = @host, worker_pid = @pid, worker_started = @started
                WHERE trial_id = @trial
                """,
                cancellationToken,
                ("@now", StoreTime.Format(now)), ("@worker", workerId), ("@host", process.Host), ("@pid", process.Pid),
                ("@started", StoreTime.Format(process.StartedAt)), ("@trial", trialId));
            return new ClaimedTrial(number, parameters, enqueued, retryOf, now);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReportIntermediateValueAsync(string study, int trial, int step, double value, CancellationToken cancellationToken = default)
    {
        TrialSelection.CheckIntermediate(step, value);
        return WriteAsync(async tx =>
        {
            var trialId = await FindRunningTrialAsync(tx, study, trial, "report a value for", cancellationToken);
            await tx.ExecuteAsync( dialect.Upsert("trial_values", ["trial_id", "step"], ["value", "reported_at"]), cancellationToken,
                ("@trial_id", trialId), ("@step", step), ("@value", value), ("@reported_at", StoreTime.Format(options.Time.GetUtcNow())));
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetTrialAttributeAsync(string study, int trial, string key, string? value, CancellationToken cancellationToken = default)
    {
        TrialSelection.CheckAttributeKey(key);
        return WriteAsync(async tx =>
        {
            var (studyId, _) = await FindStudyAsync(tx, study, lockRow: false, cancellationToken);
            var (trialId, _) = await FindTrialAsync(tx, studyId, study, trial, cancellationToken);
            await WriteAttributeAsync(tx, trialId, key, value, cancellationToken);
            await tx.ExecuteAsync( "UPDATE trials SET revision = revision + 1 WHERE trial_id = @trial", cancellationToken, ("@trial", trialId));
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetStudyAttributeAsync(string study, string key, string? value, CancellationToken cancellationToken = default)
    {
        TrialSelection.CheckAttributeKey(key);
        return WriteAsync(async tx =>
        {
            var (studyId, _) = await FindStudyAsync(tx, study, lockRow: false, cancellationToken);
            return value is null
                ? await tx.ExecuteAsync("DELETE FROM study_attributes WHERE study_id = @study AND key = @key", cancellationToken, ("@study", studyId), ("@key", key))
                : await tx.ExecuteAsync(dialect.Upsert("study_attributes", ["study_id", "key"], ["value"]), cancellationToken,
                    ("@study_id", studyId), ("@key", key), ("@value", value));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, string>> GetStudyAttributesAsync(string study, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyDictionary<string, string>>(async tx =>
        {
            var (studyId, _) = await FindStudyAsync(tx, study, lockRow: false, cancellationToken);
            return await ReadStudyAttributesAsync(tx, studyId, cancellationToken);
        }, cancellationToken);

    /// <summary>The attributes of the study with row id <paramref name="studyId"/>, ordered by key; none in a read-only store of an older schema, which had no study attributes.</summary>
    private async Task<SortedDictionary<string, string>> ReadStudyAttributesAsync(StoreTransaction tx, long studyId, CancellationToken cancellationToken)
    {
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!hasStudyAttributes)
            return attributes;
        await using var rows = await tx.QueryAsync("SELECT key, value FROM study_attributes WHERE study_id = @study", cancellationToken, ("@study", studyId));
        while (await rows.ReadAsync(cancellationToken))
            attributes[rows.Text(0)] = rows.Text(1);
        return attributes;
    }

    /// <inheritdoc />
    public Task FinishTrialAsync(string study, int trial, TrialResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var key in result.Attributes.Keys)
            TrialSelection.CheckAttributeKey(key);
        return WriteAsync(async tx =>
        {
            var trialId = await FindRunningTrialAsync(tx, study, trial, "finish", cancellationToken);
            var value = result.Value;
            if (result.State == TrialState.Pruned && value is null)
            {
                var last = await tx.ScalarAsync( "SELECT value FROM trial_values WHERE trial_id = @trial ORDER BY step DESC LIMIT 1",
                    cancellationToken, ("@trial", trialId));
                value = last is null or DBNull ? null : Convert.ToDouble(last, CultureInfo.InvariantCulture);
            }
            foreach (var (key, attribute) in result.Attributes)
                await WriteAttributeAsync(tx, trialId, key, attribute, cancellationToken);
            await tx.ExecuteAsync(
                "UPDATE trials SET state = @state, value = @value, error = @error, finished_at = @now, revision = revision + 1 WHERE trial_id = @trial",
                cancellationToken,
                ("@state", TrialSelection.ToText(result.State)), ("@value", value), ("@error", result.Error),
                ("@now", StoreTime.Format(options.Time.GetUtcNow())), ("@trial", trialId));
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task HeartbeatAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        return WriteAsync(
            tx => tx.ExecuteAsync( "UPDATE trials SET heartbeat_at = @now WHERE worker_id = @worker AND state = 'running'", cancellationToken,
                ("@now", StoreTime.Format(options.Time.GetUtcNow())), ("@worker", workerId)),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveredTrial>> RecoverStaleTrialsAsync(string study, StaleTrialPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return WriteAsync<IReadOnlyList<RecoveredTrial>>(async tx =>
        {
            var (studyId, _) = await FindStudyAsync(tx, study, lockRow: true, cancellationToken);
            var now = options.Time.GetUtcNow();
            var running = new List<(long TrialId, RunningTrial Trial)>();
            await using (var rows = await tx.QueryAsync(
                """
                SELECT trial_id, number, worker_id, worker_host, worker_pid, worker_started, heartbeat_at, retry_count
                FROM trials WHERE study_id = @study AND state = 'running' ORDER BY number
                """,
                cancellationToken, ("@study", studyId)))
            {
                while (await rows.ReadAsync(cancellationToken))
                {
                    var process = rows.IsNull(3) || rows.IsNull(4) || rows.IsNull(5)
                        ? null
                        : new WorkerProcess(rows.Text(3), rows.Int(4), StoreTime.Parse(rows.Text(5)));
                    running.Add((rows.Long(0), new RunningTrial(
                        rows.Int(1),
                        rows.NullableText(2),
                        process,
                        rows.NullableTime(6),
                        rows.Int(7))));
                }
            }

            var recovered = new List<RecoveredTrial>();
            foreach (var (trialId, trial) in running)
            {
                if (StaleTrialJudge.WhyStale(trial, policy, now) is not { } error)
                    continue;
                // A worker may have finished it since it was read (a server store runs other writers alongside).
                if (await tx.ExecuteAsync(
                        "UPDATE trials SET state = 'failed', error = @error, finished_at = @now, revision = revision + 1 WHERE trial_id = @trial AND state = 'running'",
                        cancellationToken, ("@error", error), ("@now", StoreTime.Format(now)), ("@trial", trialId)) == 0)
                    continue;

                int? retry = null;
                if (StaleTrialJudge.ShouldRetry(trial, policy))
                {
                    var number = await NextNumberAsync(tx, studyId, cancellationToken);
                    var retryId = await InsertTrialAsync(tx, studyId, number, TrialState.Waiting, trial.Number, trial.RetryCount + 1, cancellationToken);
                    await tx.ExecuteAsync(
                        $"""
                        INSERT INTO trial_params (trial_id, name, kind, value)
                        SELECT @retry, name, kind, value FROM trial_params WHERE trial_id = @trial ORDER BY {dialect.ParameterOrderColumn}
                        """,
                        cancellationToken, ("@retry", retryId), ("@trial", trialId));
                    retry = number;
                }
                recovered.Add(new RecoveredTrial(trial.Number, error, retry));
            }
            return recovered;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string study, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<TrialRecord>>(async tx =>
        {
            var (studyId, _) = await FindStudyAsync(tx, study, lockRow: false, cancellationToken);
            return await LoadTrialsAsync(tx, studyId, study, null, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TrialRecord?> GetBestTrialAsync(string study, CancellationToken cancellationToken = default) =>
        ReadAsync<TrialRecord?>(async tx =>
        {
            var (studyId, direction) = await FindStudyAsync(tx, study, lockRow: false, cancellationToken);
            if (await BestAsync(tx, studyId, direction, cancellationToken) is not { } best)
                return null;
            return (await LoadTrialsAsync(tx, studyId, study, best.TrialId, cancellationToken))[0];
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await source.DisposeAsync();
        writeGate?.Dispose();
        initGate.Dispose();
    }

    private SearchSpace? Space(string study) => spaces.TryGetValue(study, out var space) ? space : null;

    private async Task<T> ReadAsync<T>(Func<StoreTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var started = Environment.TickCount64;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await source.OpenConnectionAsync(cancellationToken);
                await using var transaction = await dialect.BeginReadAsync(connection, cancellationToken);
                Statistics.Transaction();
                return await body(new StoreTransaction(connection, transaction, Statistics));
            }
            catch (DbException e) when (MayRetry(e, attempt, started))
            {
                await Task.Delay(Backoff(attempt), cancellationToken);
            }
            catch (DbException e)
            {
                throw dialect.Translate(e, where);
            }
        }
    }

    private async Task<T> WriteAsync<T>(Func<StoreTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        if (options.ReadOnly)
            throw new StudyStorageException($"The study store {where} was opened read-only, so it cannot be changed; open it without ReadOnly.");
        await EnsureInitializedAsync(cancellationToken);
        if (writeGate is not null)
            await writeGate.WaitAsync(cancellationToken);
        try
        {
            var started = Environment.TickCount64;
            for (var attempt = 1; ; attempt++)
            {
                var committing = false;
                try
                {
                    await using var connection = await source.OpenConnectionAsync(cancellationToken);
                    await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
                    Statistics.Transaction();
                    var result = await body(new StoreTransaction(connection, transaction, Statistics));
                    committing = true;
                    await transaction.CommitAsync(cancellationToken);
                    return result;
                }
                catch (DbException e) when (committing)
                {
                    // The server may have committed before the connection broke; running the write again could apply
                    // it twice (a second trial claimed, a value reported twice), so the caller hears that it is unknown.
                    var translated = dialect.Translate(e, where);
                    throw new StudyStorageException(
                        $"A change to the study store {where} failed while it was being committed, so whether it was saved is unknown; "
                        + $"read the study before repeating it. {translated.Message}", translated);
                }
                catch (DbException e) when (MayRetry(e, attempt, started))
                {
                    await Task.Delay(Backoff(attempt), cancellationToken);
                }
                catch (DbException e)
                {
                    throw dialect.Translate(e, where);
                }
            }
        }
        finally
        {
            writeGate?.Release();
        }
    }

    /// <summary>Whether a transaction that failed with <paramref name="error"/> on its <paramref name="attempt"/>th try runs again.</summary>
    private bool MayRetry(DbException error, int attempt, long started, bool window = true) =>
        dialect.IsTransient(error)
        && (attempt < MaxAttempts || (window && Environment.TickCount64 - started < (long)dialect.TransientRetryWindow.TotalMilliseconds));

    // Jittered, so that two workers the server aborted together do not collide again; growing to about 1.2 s at most
    // (49 ms × 25), so that a worker waiting out a server restart polls it gently.
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * Math.Min(1 << Math.Min(attempt - 1, 10), 25));

    /// <summary>Checks the schema once per store, and on a writable store creates or upgrades it; a read-only store reads any older version as it is.</summary>
    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (initialized)
            return;
        await initGate.WaitAsync(cancellationToken);
        try
        {
            if (initialized)
                return;
            var started = Environment.TickCount64;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await InitializeAsync(cancellationToken);
                    initialized = true;
                    return;
                }
                // A server that is down when the store is first opened is most likely a wrong address: fail soon.
                catch (DbException e) when (MayRetry(e, attempt, started, window: false))
                {
                    await Task.Delay(Backoff(attempt), cancellationToken);
                }
            }
        }
        catch (DbException e)
        {
            throw dialect.Translate(e, where);
        }
        finally
        {
            initGate.Release();
        }
    }

    /// <summary>One try at checking, creating or upgrading the schema, in one transaction.</summary>
    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        if (!options.ReadOnly)
            await dialect.PrepareForWritingAsync(connection, cancellationToken);

        await using var transaction = options.ReadOnly
            ? await dialect.BeginReadAsync(connection, cancellationToken)
            : await dialect.BeginWriteAsync(connection, cancellationToken);
        var tx = new StoreTransaction(connection, transaction, Statistics);
        if (!options.ReadOnly && dialect.LockSchemaStatement is { } lockSchema)
            await tx.ExecuteAsync(lockSchema, cancellationToken);
        var tables = new List<string>();
        await using (var rows = await tx.QueryAsync(dialect.ListTablesQuery, cancellationToken))
            while (await rows.ReadAsync(cancellationToken))
                tables.Add(rows.Text(0));

        var version = 0;
        if (tables.Contains("schema_version"))
            version = Convert.ToInt32(await tx.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken), CultureInfo.InvariantCulture);
        else if (tables.Count > 0)
            throw new StudyStorageException(
                $"{where} is a {dialect.Name} database but not a Dsl study store: it has tables ({string.Join(", ", tables)}) and no schema_version. "
                + "Give the sweep another file.");

        var current = dialect.Migrations.Count;
        if (version > current)
            throw new StudyStorageException(
                $"{where} holds a study store of schema version {version}, but this Dsl.Runtime reads up to version {current}. Upgrade Dsl.Runtime to open it.");
        if (options.ReadOnly)
        {
            if (version == 0)
                throw new StudyStorageException($"{where} holds no Dsl study store yet; a sweep creates one.");
            // An older store is read as it is: upgrading it would be a write.
            revisioned = version >= FirstRevisionedVersion;
            hasStudyAttributes = version >= FirstStudyAttributesVersion;
        }
        else
        {
            for (var next = version; next < current; next++)
            {
                await tx.ExecuteAsync(dialect.Migrations[next], cancellationToken);
                await tx.ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (@version, @now)", cancellationToken,
                    ("@version", next + 1), ("@now", StoreTime.Format(options.Time.GetUtcNow())));
            }
            await transaction.CommitAsync(cancellationToken);
            revisioned = true;
            hasStudyAttributes = true;
        }
    }

    private async Task<(long Id, StudyDirection Direction)> FindStudyAsync(
        StoreTransaction tx, string study, bool lockRow, CancellationToken cancellationToken)
    {
        // Studies are never renamed or deleted, so a known one is read again only to take its row lock.
        if ((!lockRow || dialect.LockStudyRowClause.Length == 0) && studyIds.TryGetValue(study, out var known))
            return known;
        await using var rows = await tx.QueryAsync(
            "SELECT study_id, direction FROM studies WHERE name = @name" + (lockRow ? dialect.LockStudyRowClause : ""), cancellationToken, ("@name", study));
        if (!await rows.ReadAsync(cancellationToken))
            throw new StudyStorageException(StudyMessages.NoStudy(study, where));
        return studyIds[study] = (rows.Long(0), ParseDirection(rows.Text(1)));
    }

    private async Task<(long Id, TrialState State)> FindTrialAsync(
        StoreTransaction tx, long studyId, string study, int number, CancellationToken cancellationToken, bool lockRow = false)
    {
        await using var rows = await tx.QueryAsync(
            "SELECT trial_id, state FROM trials WHERE study_id = @study AND number = @number" + (lockRow ? dialect.LockStudyRowClause : ""),
            cancellationToken, ("@study", studyId), ("@number", number));
        return await rows.ReadAsync(cancellationToken)
            ? (rows.Long(0), ParseState(rows.Text(1)))
            : throw new StudyStorageException(StudyMessages.NoTrial(study, number));
    }

    private async Task<long> FindRunningTrialAsync(
        StoreTransaction tx, string study, int number, string operation, CancellationToken cancellationToken)
    {
        var (studyId, _) = await FindStudyAsync(tx, study, lockRow: false, cancellationToken);
        // Locked, so that a recovery in another transaction cannot fail the trial before this one changes it.
        var (trialId, state) = await FindTrialAsync(tx, studyId, study, number, cancellationToken, lockRow: true);
        return state == TrialState.Running ? trialId : throw new TrialStateException(study, number, state, operation);
    }

    private async Task<int> NextNumberAsync(StoreTransaction tx, long studyId, CancellationToken cancellationToken) =>
        Convert.ToInt32(
            await tx.ScalarAsync( "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = @study", cancellationToken, ("@study", studyId)),
            CultureInfo.InvariantCulture);

    private async Task<long> InsertTrialAsync(
        StoreTransaction tx, long studyId, int number, TrialState state, int? retryOf, int retryCount, CancellationToken cancellationToken) =>
        Convert.ToInt64(await tx.ScalarAsync(
            """
            INSERT INTO trials (study_id, number, state, created_at, retry_of, retry_count)
            VALUES (@study, @number, @state, @now, @retryOf, @retryCount)
            RETURNING trial_id
            """,
            cancellationToken,
            ("@study", studyId), ("@number", number), ("@state", TrialSelection.ToText(state)),
            ("@now", StoreTime.Format(options.Time.GetUtcNow())), ("@retryOf", retryOf), ("@retryCount", retryCount)), CultureInfo.InvariantCulture);

    private static async Task InsertParametersAsync(
        StoreTransaction tx, long trialId, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        await using var insert = tx.Prepare("INSERT INTO trial_params (trial_id, name, kind, value) VALUES (@trial, @name, @kind, @value)",
            "@trial", "@name", "@kind", "@value");
        insert.Parameters[0].Value = trialId;
        foreach (var (name, value) in parameters)
        {
            var (kind, text) = StoredParameters.Write(value);
            insert.Parameters[1].Value = name;
            insert.Parameters[2].Value = kind;
            insert.Parameters[3].Value = text;
            await insert.ExecuteAsync(cancellationToken);
        }
    }

    /// <summary>Sets an attribute of a trial, or removes it when <paramref name="value"/> is null.</summary>
    private Task<int> WriteAttributeAsync(StoreTransaction tx, long trialId, string key, string? value, CancellationToken cancellationToken) =>
        value is null
            ? tx.ExecuteAsync( "DELETE FROM trial_attributes WHERE trial_id = @trial AND key = @key", cancellationToken, ("@trial", trialId), ("@key", key))
            : tx.ExecuteAsync( dialect.Upsert("trial_attributes", ["trial_id", "key"], ["value"]), cancellationToken,
                ("@trial_id", trialId), ("@key", key), ("@value", value));

    private async Task<(long TrialId, int Number, double Value)?> BestAsync(
        StoreTransaction tx, long studyId, StudyDirection direction, CancellationToken cancellationToken)
    {
        var order = direction == StudyDirection.Minimize ? "ASC" : "DESC";
        await using var rows = await tx.QueryAsync(
            $"SELECT trial_id, number, value FROM trials WHERE study_id = @study AND state = 'complete' AND value IS NOT NULL ORDER BY value {order}, number LIMIT 1",
            cancellationToken, ("@study", studyId));
        return await rows.ReadAsync(cancellationToken) ? (rows.Long(0), rows.Int(1), rows.Real(2)) : null;
    }

    /// <summary>
    /// Reads whole trials (parameters, values, attributes) of a study, or the one trial <paramref name="onlyTrialId"/>:
    /// the <c>trials</c> rows always, the rest only for trials the cache does not hold at their current revision.
    /// </summary>
    private async Task<List<TrialRecord>> LoadTrialsAsync(
        StoreTransaction tx, long studyId, string study, long? onlyTrialId, CancellationToken cancellationToken)
    {
        var space = Space(study);
        var cache = revisioned ? caches.GetOrAdd(study, _ => new FinishedTrialCache()) : null;
        var revision = revisioned ? "t.revision" : "0";
        var (onlyFilter, onlyArguments) = onlyTrialId is { } only ? ById(studyId, [only]) : ("", [("@study", studyId)]);
        var records = new List<TrialRecord?>();
        var pending = new Dictionary<long, (int Index, long Revision, TrialRow Row)>();
        await using (var rows = await tx.QueryAsync(
            $"""
            SELECT t.trial_id, t.number, t.state, t.value, t.error, t.started_at, t.finished_at, t.heartbeat_at, t.worker_id, t.retry_of, {revision}
            FROM trials t WHERE t.study_id = @study{onlyFilter} ORDER BY t.number
            """,
            cancellationToken, onlyArguments))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                var trialId = rows.Long(0);
                var state = ParseState(rows.Text(2));
                var rowRevision = rows.Long(10);
                if (cache is not null && IsFinished(state) && cache.TryGet(trialId, rowRevision) is { } cached)
                {
                    records.Add(cached);
                    continue;
                }
                var row = new TrialRow(
                    rows.Int(1),
                    state,
                    rows.NullableReal(3),
                    rows.NullableText(4),
                    rows.NullableTime(5),
                    rows.NullableTime(6),
                    rows.NullableTime(7),
                    rows.NullableText(8),
                    rows.NullableInt(9));
                pending[trialId] = (records.Count, rowRevision, row);
                records.Add(null);
            }
        }

        if (pending.Count > 0)
        {
            // One trial, a few by id, or (on a cold cache) the whole study, skipping what is already known.
            var (filter, arguments) = onlyTrialId is not null || pending.Count == records.Count || pending.Count > MaxTrialsById
                ? (onlyFilter, onlyArguments)
                : ById(studyId, pending.Keys);
            await using (var rows = await tx.QueryAsync(
                $"SELECT p.trial_id, p.name, p.kind, p.value FROM trial_params p JOIN trials t ON t.trial_id = p.trial_id WHERE t.study_id = @study{filter} ORDER BY p.trial_id, p.{dialect.ParameterOrderColumn}",
                cancellationToken, arguments))
            {
                while (await rows.ReadAsync(cancellationToken))
                {
                    if (!pending.TryGetValue(rows.Long(0), out var entry))
                        continue;
                    var name = rows.Text(1);
                    entry.Row.Parameters[name] = StoredParameters.Read(name, rows.Text(2), rows.Text(3), space);
                }
            }

            await using (var rows = await tx.QueryAsync(
                $"SELECT v.trial_id, v.step, v.value FROM trial_values v JOIN trials t ON t.trial_id = v.trial_id WHERE t.study_id = @study{filter} ORDER BY v.trial_id, v.step",
                cancellationToken, arguments))
                while (await rows.ReadAsync(cancellationToken))
                    if (pending.TryGetValue(rows.Long(0), out var entry))
                        entry.Row.IntermediateValues[rows.Int(1)] = rows.Real(2);

            await using (var rows = await tx.QueryAsync(
                $"SELECT a.trial_id, a.key, a.value FROM trial_attributes a JOIN trials t ON t.trial_id = a.trial_id WHERE t.study_id = @study{filter} ORDER BY a.trial_id, a.key",
                cancellationToken, arguments))
                while (await rows.ReadAsync(cancellationToken))
                    if (pending.TryGetValue(rows.Long(0), out var entry))
                        entry.Row.Attributes[rows.Text(1)] = rows.Text(2);

            foreach (var (trialId, (index, rowRevision, row)) in pending)
            {
                var record = row.ToRecord();
                records[index] = record;
                if (cache is not null && IsFinished(row.State))
                    cache.Put(trialId, rowRevision, record);
            }
            Statistics.Loaded(pending.Count);
        }
        return records.Select(r => r!).ToList();
    }

    private static (string Filter, (string Name, object? Value)[] Arguments) ById(long studyId, IEnumerable<long> trialIds)
    {
        var arguments = new List<(string Name, object? Value)> { ("@study", studyId) };
        foreach (var id in trialIds)
            arguments.Add(($"@t{arguments.Count}", id));
        return ($" AND t.trial_id IN ({string.Join(", ", arguments.Skip(1).Select(a => a.Name))})", arguments.ToArray());
    }

    private static bool IsFinished(TrialState state) => state is TrialState.Complete or TrialState.Pruned or TrialState.Failed;

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
