using System.Diagnostics;
using System.Security.Cryptography;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.Sqlite;
using Dsl.CommandLine;
using Dsl.Sweeps;
using Microsoft.Data.Sqlite;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>
/// Reading a study the user may not write: <c>show</c>, <c>best</c> and <c>export</c> open the store read-only, so a
/// file of mode 0444 in a folder of mode 0555 still shows, and nothing about the file changes.
/// </summary>
/// <remarks>
/// Tests run as root here, and root ignores permission bits. So the file and its folder are also made immutable
/// (<c>chattr +i</c>), which binds root too; where that is not allowed the permission bits alone bind a normal user.
/// Besides, a read-only store opens SQLite with <c>Mode=ReadOnly</c>, under which SQLite itself refuses any write
/// ("attempt to write a readonly database"): every read below passing proves that the read path writes nothing.
/// </remarks>
// Permission bits and chattr are Unix notions; the project runs its tests on Linux.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(TorchTrainingCollection.Name)]
public sealed class ReadOnlyStudyTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <param name="lockFolder">
    /// Whether the folder is unwritable too; if not, the file is left in rollback-journal mode, as a copy or another
    /// tool may leave it, so that opening it as a sweep does (switching it to WAL) would be a write.
    /// </param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Show_best_and_export_read_a_study_nobody_may_write(bool lockFolder)
    {
        var db = folder.File("locked.db");
        await WriteStudyAsync(db);
        if (!lockFolder)
        {
            using var connection = new SqliteConnection($"Data Source={db};Pooling=false");
            connection.Open();
            using var journal = connection.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode = DELETE";
            journal.ExecuteNonQuery();
        }
        var before = Hash(db);

        using (var locked = Unwritable.Make(db, lockFolder))
        {
            var (showCode, show, showError) = await RunAsync(["show", "--storage", db]);
            Assert.True(showCode == 0, showError + locked.Note);
            Assert.Contains("study TinySweep (maximize accuracy): 2 trials (2 complete)", show);

            var (bestCode, best, bestError) = await RunAsync(["best", "--storage", db]);
            Assert.True(bestCode == 0, bestError + locked.Note);
            Assert.Contains("\"trial\": 1", best);

            var (exportCode, csv, exportError) = await RunAsync(["export", "--storage", db]);
            Assert.True(exportCode == 0, exportError + locked.Note);
            Assert.Equal(3, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }

        Assert.Equal(before, Hash(db));
        Assert.Equal([Path.GetFileName(db)], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_read_only_store_reads_and_refuses_every_change_with_a_clear_error()
    {
        var db = folder.File("study.db");
        await WriteStudyAsync(db);

        using var locked = Unwritable.Make(db, lockFolder: true);
        await using var store = StudyStorage.Open(db, readOnly: true);
        var info = await store.CreateOrOpenStudyAsync(new StudyDefinition("TinySweep", StudyDirection.Maximize, SweepKit.Space));
        var trials = await store.GetTrialsAsync("TinySweep");
        var best = await store.GetBestTrialAsync("TinySweep");

        Assert.False(info.Created);
        Assert.Equal(2, trials.Count);
        Assert.Equal(Dsl.Training.OptimizerKind.Adam, trials[0].Parameters["Optimizer"]); // typed by the space, without recording it
        Assert.Equal((1, "trials/1/model.pt"), (best!.Number, best.Attributes["checkpoint"]));
        Assert.Equal("TinySweep", Assert.Single(await store.GetStudiesAsync()).Name);
        var refused = await Assert.ThrowsAsync<StudyStorageException>(() => store.SetTrialAttributeAsync("TinySweep", 0, "note", "x"));
        Assert.Contains("opened read-only", refused.Message);
        await Assert.ThrowsAsync<StudyStorageException>(() => store.CreateOrOpenStudyAsync(new StudyDefinition("new", StudyDirection.Maximize)));
        await Assert.ThrowsAsync<StudyStorageException>(() => store.ClaimTrialAsync("TinySweep", "w", (_, _) => SweepKit.Space.Defaults()));
    }

    [Fact]
    public async Task Reading_an_older_store_neither_upgrades_it_nor_changes_its_journal_mode()
    {
        var db = folder.File("v1.db");
        using (var connection = new SqliteConnection($"Data Source={db};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SqliteSchema.Migrations[0] + """
                INSERT INTO schema_version VALUES (1, '2025-01-01T00:00:00.0000000Z');
                INSERT INTO studies VALUES (1, 'TinySweep', 'maximize', '', '', '2025-01-01T00:00:00.0000000Z');
                INSERT INTO trials (trial_id, study_id, number, state, value, created_at) VALUES (1, 1, 0, 'complete', 0.5, '2025-01-01T00:00:00.0000000Z');
                INSERT INTO trial_params VALUES (1, 'Hidden', 'int', '8');
                """;
            command.ExecuteNonQuery();
        }
        var before = Hash(db);

        await using (var store = StudyStorage.Open(db, readOnly: true))
        {
            var trial = Assert.Single(await store.GetTrialsAsync("TinySweep"));
            Assert.Equal(8L, trial.Parameters["Hidden"]);
            Assert.Equal(0.5, (await store.GetBestTrialAsync("TinySweep"))!.Value);
            Assert.Empty(await store.GetStudyAttributesAsync("TinySweep")); // the old schema has no study attributes
        }

        Assert.Equal(before, Hash(db));
        using var check = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=false");
        check.Open();
        using var journal = check.CreateCommand();
        journal.CommandText = "SELECT (SELECT MAX(version) FROM schema_version) || ' ' || (SELECT journal_mode FROM pragma_journal_mode)";
        Assert.Equal("1 delete", journal.ExecuteScalar());
    }

    [Fact]
    public async Task Reading_a_file_that_holds_no_store_creates_nothing()
    {
        var db = folder.File("empty.db");
        await File.WriteAllBytesAsync(db, []);

        await using var store = StudyStorage.Open(db, readOnly: true);
        var error = await Assert.ThrowsAsync<StudyStorageException>(() => store.GetStudiesAsync());

        Assert.Contains("holds no Dsl study store yet", error.Message);
        Assert.Equal(0, new FileInfo(db).Length);
    }

    /// <summary>A study as a sweep leaves it: two complete trials, the second the best, with their attributes.</summary>
    private static async Task WriteStudyAsync(string path)
    {
        await using var store = StudyStorage.Sqlite(path);
        await store.CreateOrOpenStudyAsync(new StudyDefinition("TinySweep", StudyDirection.Maximize, SweepKit.Space));
        for (var number = 0; number < 2; number++)
        {
            await store.ClaimTrialAsync("TinySweep", "w", (_, _) => SweepKit.Space.Defaults());
            await store.FinishTrialAsync("TinySweep", number, TrialResult.Complete(0.5 + number / 10.0) with
            {
                Attributes = new Dictionary<string, string> { ["checkpoint"] = $"trials/{number}/model.pt" },
            });
        }
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SweepCommandLine.RunAsync<SweepNet, SweepNet.Hyperparameters, TinyTraining>(
            SweepKit.Definition(), args, () => SweepKit.Data(), output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A file (mode 0444), and its folder (0555) if asked, that nobody may write: immutable too where the test may set that.</summary>
    private sealed class Unwritable : IDisposable
    {
        private readonly List<string> locked = [];
        private readonly bool immutable = true;

        private Unwritable(string file, bool lockFolder)
        {
            const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            const UnixFileMode searchable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(file, readable);
            locked.Add(file);
            if (lockFolder)
            {
                File.SetUnixFileMode(Path.GetDirectoryName(file)!, readable | searchable);
                locked.Add(Path.GetDirectoryName(file)!);
            }
            if (Environment.UserName == "root")
                foreach (var path in locked)
                    immutable &= Chattr("+i", path);
        }

        /// <summary>Why a failure may not be the store's: the test could not make the file unwritable for this user.</summary>
        public string Note => immutable || Environment.UserName != "root" ? "" : " (note: running as root without chattr, so the file stayed writable)";

        public static Unwritable Make(string file, bool lockFolder) => new(file, lockFolder);

        public void Dispose()
        {
            foreach (var path in Enumerable.Reverse(locked))
            {
                if (Environment.UserName == "root") Chattr("-i", path);
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | (Directory.Exists(path) ? UnixFileMode.UserExecute : 0));
            }
        }

        private static bool Chattr(string flag, string path)
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false; // no chattr on this machine
            }
        }
    }
}
