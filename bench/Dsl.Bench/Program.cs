using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Dsl.Bench;

var JsonOutput = JsonOutputOptions();

var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args is ["--list"] or ["-h"] or ["--help"])
{
    foreach (var b in benchmarks) Console.WriteLine($"{b.Name,-12} {b.Description}");
    return 0;
}

var selected = args.Length == 0 ? benchmarks : benchmarks.Where(b => b.Name == args[0]).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"error: unknown benchmark '{args[0]}'; known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 2;
}

foreach (var benchmark in selected)
{
    foreach (var result in benchmark.Run(args.Skip(1).ToArray()))
    {
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["name"] = result.Name,
            ["ours"] = Round(result.Ours),
            ["peer"] = result.Peer is { } p ? Round(p) : null,
            ["ratio"] = result.Ratio is { } r ? Round(r) : null,
            ["unit"] = result.Unit,
        }, JsonOutput));
    }
}
return 0;

// Units such as "<= 40" stay readable: the output is a terminal and a results file, not HTML.
static JsonSerializerOptions JsonOutputOptions() => new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

static double Round(double value) => double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
