using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using static TorchSharp.torch;

namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>
/// A model source compiled with the generator into an in-memory assembly, as a consumer's build would, so tests can
/// build and run the generated modules. The test process already holds TorchSharp and Dsl.Runtime, and the load
/// context falls back to them, so generated modules share their types with hand-written ones.
/// </summary>
internal sealed class GeneratedAssembly : IDisposable
{
    private readonly AssemblyLoadContext context;
    private readonly Assembly assembly;

    private GeneratedAssembly(AssemblyLoadContext context, Assembly assembly) => (this.context, this.assembly) = (context, assembly);

    public static GeneratedAssembly Compile(params string[] sources)
    {
        var compilation = GeneratorHarness.Compilation(sources);
        GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        using var stream = new MemoryStream();
        var result = output.Emit(stream);
        if (!result.Success)
            throw new InvalidOperationException("The generated code does not compile:\n" +
                                                string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var context = new AssemblyLoadContext("Generated-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return new GeneratedAssembly(context, context.LoadFromStream(stream));
    }

    /// <summary>A new instance of the model, with every hyperparameter at its default.</summary>
    public nn.Module<Tensor, Tensor> Create(string typeName) =>
        (nn.Module<Tensor, Tensor>)Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!)!;

    /// <summary>A type of the compiled assembly, such as "T.M+Hyperparameters".</summary>
    public Type Type(string typeName) => assembly.GetType(typeName, throwOnError: true)!;

    public void Dispose() => context.Unload();
}
