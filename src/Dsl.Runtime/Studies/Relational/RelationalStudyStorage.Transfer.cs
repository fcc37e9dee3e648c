namespace Dsl.Studies.Relational;

/// <summary>Reading a whole study out of a relational store, and writing one into another, as <see cref="StudyCopier"/> does.</summary>
public sealed partial class RelationalStudyStorage
{
    /// <summary>The study <paramref name="study"/> as stored, read from one snapshot.</summary>
    internal Task<StudySnapshot> ExportStudyAsync(string study, CancellationToken cancellationToken = default) =>
        ReadAsync(async tx =>
        {
            long studyId;
            string direction, fingerprint, description, createdAt;
            await using (var rows = await tx.QueryAsync(
                "SELECT study_id, direction, space_fingerprint, space_description, created_at FROM studies WHERE name = @name",
                cancellationToken, ("@name", study)))
            {
                if (!await rows.ReadAsync(cancellationToken))
                    throw new StudyStorageException(StudyMessages.NoStudy(study, where));
                (studyId, direction, fingerprint, description, createdAt) = (rows.Long(0), rows.Text(1), rows.Text(2), rows.Text(3), rows.Text(4));
            }

            var studyAttributes = await ReadStudyAttributesAsync(tx, studyId, cancellationToken);

            var trials = new List<(long Id, TrialSnapshot Trial)>();
            await using (var rows = await tx.QueryAsync(
                """
                SELECT trial_id, number, state, value, error, created_at, started_at, finished_at, heartbeat_at,
                       worker_id, worker_host, worker_pid, worker_started, retry_of, retry_count
                FROM trials WHERE study_id = @study ORDER BY number
                """,
                cancellationToken, ("@study", studyId)))
            {
                while (await rows.ReadAsync(cancellationToken))
                {
                    trials.Add((rows.Long(0), new TrialSnapshot(
                        rows.Int(1), rows.Text(2), rows.NullableReal(3), rows.NullableText(4), rows.Text(5), rows.NullableText(6),
                        rows.NullableText(7), rows.NullableText(8), rows.NullableText(9), rows.NullableText(10), rows.NullableInt(11),
                        rows.NullableText(12), rows.NullableInt(13), rows.Int(14),
                        new List<(string, string, string)>(), new List<(int, double, string)>(), new SortedDictionary<string, string>(StringComparer.Ordinal))));
                }
            }
            var byId = trials.ToDictionary(t => t.Id, t => t.Trial);

            await using (var rows = await tx.QueryAsync(
                $"SELECT p.trial_id, p.name, p.kind, p.value FROM trial_params p JOIN trials t ON t.trial_id = p.trial_id WHERE t.study_id = @study ORDER BY p.trial_id, p.{dialect.ParameterOrderColumn}",
                cancellationToken, ("@study", studyId)))
                while (await rows.ReadAsync(cancellationToken))
                    ((List<(string, string, string)>)byId[rows.Long(0)].Parameters).Add((rows.Text(1), rows.Text(2), rows.Text(3)));
            await using (var rows = await tx.QueryAsync(
                "SELECT v.trial_id, v.step, v.value, v.reported_at FROM trial_values v JOIN trials t ON t.trial_id = v.trial_id WHERE t.study_id = @study ORDER BY v.trial_id, v.step",
                cancellationToken, ("@study", studyId)))
                while (await rows.ReadAsync(cancellationToken))
                    ((List<(int, double, string)>)byId[rows.Long(0)].IntermediateValues).Add((rows.Int(1), rows.Real(2), rows.Text(3)));
            await using (var rows = await tx.QueryAsync(
                "SELECT a.trial_id, a.key, a.value FROM trial_attributes a JOIN trials t ON t.trial_id = a.trial_id WHERE t.study_id = @study",
                cancellationToken, ("@study", studyId)))
                while (await rows.ReadAsync(cancellationToken))
                    ((SortedDictionary<string, string>)byId[rows.Long(0)].Attributes)[rows.Text(1)] = rows.Text(2);

            return new StudySnapshot(study, direction, fingerprint, description, createdAt, studyAttributes, trials.Select(t => t.Trial).ToList());
        }, cancellationToken);

    /// <summary>Writes <paramref name="snapshot"/> as a new study, in one transaction: all of it or, on any error, none.</summary>
    /// <exception cref="StudyStorageException">The store already has a study of that name.</exception>
    internal Task ImportStudyAsync(StudySnapshot snapshot, CancellationToken cancellationToken = default) =>
        WriteAsync(async tx =>
        {
            TrialSelection.CheckStudyName(snapshot.Name);
            var studyId = await tx.ScalarAsync(
                """
                INSERT INTO studies (name, direction, space_fingerprint, space_description, created_at)
                VALUES (@name, @direction, @fingerprint, @description, @created)
                ON CONFLICT (name) DO NOTHING
                RETURNING study_id
                """,
                cancellationToken,
                ("@name", snapshot.Name), ("@direction", snapshot.Direction), ("@fingerprint", snapshot.SpaceFingerprint),
                ("@description", snapshot.SpaceDescription), ("@created", snapshot.CreatedAt))
                ?? throw new StudyStorageException(
                    $"{where} already has a study named '{snapshot.Name}'; copy into another store, or give the copy another name.");

            foreach (var (key, value) in snapshot.Attributes)
                await tx.ExecuteAsync("INSERT INTO study_attributes (study_id, key, value) VALUES (@study, @key, @value)", cancellationToken,
                    ("@study", studyId), ("@key", key), ("@value", value));

            await using var parameter = tx.Prepare("INSERT INTO trial_params (trial_id, name, kind, value) VALUES (@trial, @name, @kind, @value)",
                "@trial", "@name", "@kind", "@value");
            await using var step = tx.Prepare("INSERT INTO trial_values (trial_id, step, value, reported_at) VALUES (@trial, @step, @value, @at)",
                "@trial", "@step", "@value", "@at");
            await using var attribute = tx.Prepare("INSERT INTO trial_attributes (trial_id, key, value) VALUES (@trial, @key, @value)",
                "@trial", "@key", "@value");
            foreach (var trial in snapshot.Trials)
            {
                var trialId = await tx.ScalarAsync(
                    """
                    INSERT INTO trials (study_id, number, state, value, error, created_at, started_at, finished_at, heartbeat_at,
                                        worker_id, worker_host, worker_pid, worker_started, retry_of, retry_count)
                    VALUES (@study, @number, @state, @value, @error, @created, @started, @finished, @heartbeat,
                            @worker, @host, @pid, @workerStarted, @retryOf, @retryCount)
                    RETURNING trial_id
                    """,
                    cancellationToken,
                    ("@study", studyId), ("@number", trial.Number), ("@state", trial.State), ("@value", trial.Value), ("@error", trial.Error),
                    ("@created", trial.CreatedAt), ("@started", trial.StartedAt), ("@finished", trial.FinishedAt), ("@heartbeat", trial.HeartbeatAt),
                    ("@worker", trial.WorkerId), ("@host", trial.WorkerHost), ("@pid", trial.WorkerPid), ("@workerStarted", trial.WorkerStarted),
                    ("@retryOf", trial.RetryOf), ("@retryCount", trial.RetryCount));
                foreach (var statement in new[] { parameter, step, attribute })
                    statement.Parameters[0].Value = trialId;
                foreach (var (name, kind, value) in trial.Parameters)
                    await Run(parameter, cancellationToken, name, kind, value);
                foreach (var (number, value, at) in trial.IntermediateValues)
                    await Run(step, cancellationToken, number, value, at);
                foreach (var (key, value) in trial.Attributes)
                    await Run(attribute, cancellationToken, key, value);
            }
            return true;
        }, cancellationToken);

    private static Task<int> Run(Statement statement, CancellationToken cancellationToken, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
            statement.Parameters[i + 1].Value = values[i];
        return statement.ExecuteAsync(cancellationToken);
    }
}
