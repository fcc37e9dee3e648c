using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Training;
using Microsoft.Data.Sqlite;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>
/// Study files outlive the code that wrote them. Fixtures/study-v1.sql is a dump of a store written before parameter
/// values got one owner; it must keep reading back to the same values, and its space must keep its fingerprint.
/// </summary>
public sealed class StoredEncodingTests : IDisposable
{
    private readonly TempStudyFile file = new();

    internal static SearchSpace Space { get; } = new(
    [
        new FloatParameter("LearningRate", 1e-5, 1e-1, 1e-3, Log: true),
        new FloatParameter("Dropout", 0, 0.5, 0.25, Step: 0.05),
        new IntParameter("Hidden", 16, 512, 64, Log: true),
        new IntParameter("Layers", 1, 4, 2),
        new CategoricalParameter("Optimizer", [OptimizerKind.Sgd, OptimizerKind.Adam], 1),
        new FloatParameter("Momentum", 0.5, 0.99, 0.9) { Condition = new ParameterCondition("Optimizer", [OptimizerKind.Sgd]) },
        new CategoricalParameter("UseBias", [false, true], 1),
        new CategoricalParameter("Label", ["plain", "naïve \"quoted\" \\ path", "日本"], 0),
        new CategoricalParameter("Ratio", [0.5, 2.0], 0),
    ]);

    internal static IReadOnlyList<IReadOnlyDictionary<string, object>> Trials { get; } =
    [
        new Dictionary<string, object>
        {
            ["LearningRate"] = 1e-5, ["Dropout"] = 0.15, ["Hidden"] = 128L, ["Layers"] = 3L, ["Optimizer"] = OptimizerKind.Sgd,
            ["Momentum"] = 0.95, ["UseBias"] = false, ["Label"] = "naïve \"quoted\" \\ path", ["Ratio"] = 2.0,
        },
        new Dictionary<string, object>
        {
            ["LearningRate"] = 0.0123, ["Dropout"] = 0.5, ["Hidden"] = 16L, ["Layers"] = 1L, ["Optimizer"] = OptimizerKind.Adam,
            ["UseBias"] = true, ["Label"] = "日本", ["Ratio"] = 0.5,
        },
    ];

    public void Dispose() => file.Dispose();

    [Fact]
    public async Task A_store_written_before_parameter_values_had_one_owner_reads_back_the_same_values()
    {
        await LoadFixtureAsync();
        await using var store = StudyStorage.Sqlite(file.Path);

        await store.CreateOrOpenStudyAsync(new StudyDefinition("fixture", StudyDirection.Maximize, Space)); // same fingerprint
        var trials = await store.GetTrialsAsync("fixture");

        Assert.Equal(Trials.Count, trials.Count);
        for (var i = 0; i < Trials.Count; i++)
        {
            Assert.Equal(Trials[i], trials[i].Parameters);
            foreach (var (name, value) in trials[i].Parameters)
                Assert.Equal(Trials[i][name].GetType(), value.GetType());
            Assert.Equal(0.75 + i / 100.0, trials[i].Value);
        }
    }

    [Fact]
    public async Task Without_its_space_a_store_reads_back_enums_by_name_and_integral_reals_as_stored()
    {
        await LoadFixtureAsync();
        await using var viewer = StudyStorage.Sqlite(file.Path);

        var trials = await viewer.GetTrialsAsync("fixture");

        Assert.Equal("Sgd", trials[0].Parameters["Optimizer"]);
        Assert.Equal(128L, trials[0].Parameters["Hidden"]);
        Assert.Equal(2.0, trials[0].Parameters["Ratio"]);
        Assert.Equal("naïve \"quoted\" \\ path", trials[0].Parameters["Label"]);
        Assert.Equal(false, trials[0].Parameters["UseBias"]);
    }

    public static TheoryData<object, string, string> Encodings => new()
    {
        { 128L, "int", "128" },
        { -3L, "int", "-3" },
        { 0.001, "float", "0.001" },
        { 1e-05, "float", "1E-05" },
        { 2.0, "float", "2" },
        { true, "bool", "true" },
        { false, "bool", "false" },
        { "plain", "string", "\"plain\"" },
        { "naïve \"quoted\" \\ path", "string", "\"naïve \\\"quoted\\\" \\\\ path\"" },
        { "日本", "string", "\"日本\"" },
        { OptimizerKind.AdamW, "enum", "\"AdamW\"" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void The_stored_encoding_of_each_kind_is_unchanged(object canonical, string kind, string json)
    {
        Assert.Equal((kind, json), ParameterCodec.Encode(canonical));
        var decoded = ParameterCodec.Decode("p", kind, json);
        Assert.Equal(canonical is Enum ? canonical.ToString() : canonical, decoded);
    }

    private async Task LoadFixtureAsync()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Studies", "Fixtures", "study-v1.sql"));
        await using var connection = new SqliteConnection($"Data Source={file.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = script;
        await command.ExecuteNonQueryAsync();
    }
}
