using System.Linq;
using Dsl.Generator.Helpers;
using Dsl.Generator.Model;

namespace Dsl.Generator;

/// <summary>Emits a sweep's typed training hyperparameters and its driver: RunAsync, the command line and the fusion methods.</summary>
internal static class SweepEmitter
{
    private static readonly string GeneratedCode =
        "[global::System.CodeDom.Compiler.GeneratedCode(\"" + ModelEmitter.GeneratorName + "\", \"" + ModelEmitter.GeneratorVersion + "\")]";

    public static string Emit(SweepSpec sweep)
    {
        if (sweep.ModelType is not { } model) return EmitObjectiveSweep(sweep);
        var result = "global::Dsl.Sweeps.SweepResult<" + model + ", " + model + ".Hyperparameters, Hyperparameters>";
        var typeArguments = "<" + model + ", " + model + ".Hyperparameters, Hyperparameters>";

        var w = Begin(sweep, "The training hyperparameters this instance holds.", "Holds the given training hyperparameters.");
        if (!sweep.ModelUsable)
        {
            HyperparameterEmitter.EmitRecord(w, sweep.ClassName, sweep.Hyperparameters, GeneratedCode);
            w.CloseBlock();
            return w.ToString();
        }

        w.Summary("What the sweep optimises and how its hyperparameters configure training.");
        w.Line("public static global::Dsl.Sweeps.SweepDefinition<Hyperparameters> Definition { get; } = new(");
        w.Line("    \"" + sweep.ClassName + "\", global::Dsl.Metric." + sweep.Metric + ", " + TypeNames.StudyDirection + "." + sweep.Direction + ", " + sweep.Epochs + ",");
        if (sweep.Bindings.Count == 0)
        {
            w.Line("    static (options, hyperparameters) => options);");
        }
        else
        {
            w.Line("    static (options, hyperparameters) => options with");
            w.Line("    {");
            foreach (var binding in sweep.Bindings)
                w.Line("        " + binding.Option + " = " + Assignment(sweep, binding) + ",");
            w.Line("    });");
        }
        w.Line();

        w.Summary("The model's and the sweep's parameters together: what the samplers search.");
        w.Line("public static " + TypeNames.Search + ".SearchSpace SearchSpace { get; } = " + model + ".Hyperparameters.SearchSpace.Concat(Hyperparameters.SearchSpace);");
        w.Line();

        w.Summary("Runs the sweep: samples, trains and prunes trials, records them in the study store, and returns the typed best.");
        w.OpenBlock("public static global::System.Threading.Tasks.Task<" + result + "> RunAsync(global::Dsl.Sweeps.SweepData data, global::Dsl.Sweeps.SweepOptions? options = null, global::System.Threading.CancellationToken cancellationToken = default)");
        w.Line("return global::Dsl.Sweeps.SweepRunner.RunAsync" + typeArguments + "(Definition, data, options ?? new global::Dsl.Sweeps.SweepOptions(), cancellationToken);");
        w.CloseBlock();
        w.Line();

        if (sweep.HasCommandLine)
        {
            w.Summary("The sweep's command line: sweep, show, best and export; returns the process exit code.");
            w.OpenBlock("public static global::System.Threading.Tasks.Task<int> RunCommandLineAsync(string[] args, global::System.Func<global::Dsl.Sweeps.SweepData> loadData)");
            w.Line("return global::" + TypeNames.SweepCommandLine + ".RunAsync" + typeArguments + "(Definition, args, loadData);");
            w.CloseBlock();
            w.Line();
        }

        if (sweep.HasFusion) EmitFusion(w, model, typeArguments);

        HyperparameterEmitter.EmitRecord(w, sweep.ClassName, sweep.Hyperparameters, GeneratedCode);
        w.CloseBlock();
        return w.ToString();
    }

    /// <summary>The typed fusion methods over the sweep's study, which Dsl.ModelFusion's StudyFusion implements.</summary>
    private static void EmitFusion(SourceWriter w, string model, string typeArguments)
    {
        const string Fusion = "global::Dsl.ModelFusion.Studies.";
        const string Tail = "global::Dsl.Sweeps.SweepData data, " + Fusion + "StudyFusionOptions? options = null, global::System.Threading.CancellationToken cancellationToken = default";
        w.Summary("Fuses the study's best top trials with kept checkpoints into a prediction ensemble, saves it, records the result in the study, and returns it with each member's and the ensemble's accuracies.");
        w.OpenBlock("public static global::System.Threading.Tasks.Task<" + Fusion + "StudyFusionResult<global::Dsl.ModelFusion.Ensembles.IEnsemble>> EnsembleTopAsync(" +
                    "global::Dsl.Studies.IStudyStorage storage, int top, global::Dsl.ModelFusion.Ensembles.EnsembleMethod method, " + Tail + ")");
        w.Line("return " + Fusion + "StudyFusion.EnsembleAsync" + typeArguments + "(storage, Definition, data, method, (options ?? new " + Fusion + "StudyFusionOptions()) with { Top = top }, cancellationToken);");
        w.CloseBlock();
        w.Line();
        w.Summary("Greedy-soups the study's best top trials, or with fineTune above 0 the best trial and that many variants fine-tuned from it; saves the soup, records the result in the study, and returns the souped model.");
        w.OpenBlock("public static global::System.Threading.Tasks.Task<" + Fusion + "StudyFusionResult<" + model + ">> SoupTopAsync(" +
                    "global::Dsl.Studies.IStudyStorage storage, int top, int fineTune, " + Tail + ")");
        w.Line("return " + Fusion + "StudyFusion.SoupAsync" + typeArguments + "(storage, Definition, data, (options ?? new " + Fusion + "StudyFusionOptions()) with { Top = top, FineTune = fineTune }, cancellationToken);");
        w.CloseBlock();
        w.Line();
    }

    /// <summary>Opens the sweep's partial class: the values it holds, its constructor, and its hyperparameter properties.</summary>
    private static SourceWriter Begin(SweepSpec sweep, string valuesSummary, string constructorSummary)
    {
        var w = new SourceWriter();
        w.Line("// <auto-generated/>").Line("#nullable enable").Line();
        if (sweep.Namespace is not null) w.Line("namespace " + sweep.Namespace + ";").Line();

        w.Line(GeneratedCode);
        w.OpenBlock("partial class " + sweep.ClassName);
        w.Summary(valuesSummary);
        w.Line("public Hyperparameters HyperparameterValues { get; }");
        w.Line();
        w.Summary(constructorSummary);
        w.Line("public " + sweep.ClassName + "(Hyperparameters hyperparameters) => HyperparameterValues = hyperparameters ?? throw new global::System.ArgumentNullException(nameof(hyperparameters));");
        w.Line();
        HyperparameterEmitter.EmitPropertyImplementations(w, sweep.Hyperparameters);
        foreach (var stub in sweep.Stubs) w.Line(stub);
        if (sweep.Stubs.Count > 0) w.Line();
        return w;
    }

    /// <summary>A sweep of the class's own <c>ObjectiveAsync</c>: its definition, the objective delegate, RunAsync and the command line.</summary>
    private static string EmitObjectiveSweep(SweepSpec sweep)
    {
        var w = Begin(sweep, "The hyperparameters this instance holds, which its properties and ObjectiveAsync read.", "Holds the given hyperparameters.");
        if (sweep.ModelUsable)
        {
            var result = "global::Dsl.Sweeps.ObjectiveSweepResult<Hyperparameters>";
            w.Summary("What the sweep optimises: its name, direction and the most steps its objective reports.");
            w.Line("public static global::Dsl.Sweeps.ObjectiveDefinition Definition { get; } = new(\"" + sweep.ClassName + "\", " + TypeNames.StudyDirection + "." + sweep.Direction + ")");
            w.Line("{");
            w.Line("    Steps = " + sweep.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",");
            w.Line("};");
            w.Line();
            w.Summary("The objective: ObjectiveAsync on an instance that holds the trial's hyperparameters.");
            w.Line("public static global::Dsl.Sweeps.Objective<Hyperparameters> Objective { get; } =");
            w.Line("    static (hyperparameters, trial, cancellationToken) => new " + sweep.ClassName + "(hyperparameters).ObjectiveAsync(trial, cancellationToken);");
            w.Line();
            w.Summary("The parameters the samplers search.");
            w.Line("public static " + TypeNames.Search + ".SearchSpace SearchSpace => Hyperparameters.SearchSpace;");
            w.Line();
            w.Summary("Runs the sweep: samples trials, runs ObjectiveAsync for each, prunes on its reports, records them in the study store, and returns the typed best.");
            w.OpenBlock("public static global::System.Threading.Tasks.Task<" + result + "> RunAsync(global::Dsl.Sweeps.SweepOptions? options = null, global::System.Threading.CancellationToken cancellationToken = default)");
            w.Line("return global::Dsl.Sweeps.ObjectiveSweep.RunAsync(Definition, Objective, options ?? new global::Dsl.Sweeps.SweepOptions(), cancellationToken);");
            w.CloseBlock();
            w.Line();
            if (sweep.HasCommandLine)
            {
                w.Summary("The sweep's command line: sweep, show, best and export; returns the process exit code.");
                w.OpenBlock("public static global::System.Threading.Tasks.Task<int> RunCommandLineAsync(string[] args)");
                w.Line("return global::" + TypeNames.SweepCommandLine + ".RunAsync(Definition, Objective, args);");
                w.CloseBlock();
                w.Line();
            }
        }
        HyperparameterEmitter.EmitRecord(w, sweep.ClassName, sweep.Hyperparameters, GeneratedCode);
        w.CloseBlock();
        return w.ToString();
    }

    /// <summary>
    /// The value one binding gives its option. A conditional hyperparameter that is inactive (Momentum in an Adam trial)
    /// leaves the base option as it was: its record still holds the declared default, which the trial never searched.
    /// </summary>
    private static string Assignment(SweepSpec sweep, TrainingOptionBinding binding)
    {
        var value = binding.Conversion.Replace("{0}", "hyperparameters." + binding.Hyperparameter);
        var hyperparameter = sweep.Hyperparameters.FirstOrDefault(h => h.Name == binding.Hyperparameter);
        return hyperparameter is not null && HyperparameterEmitter.ActiveCondition(hyperparameter, sweep.Hyperparameters, "hyperparameters.") is { } active
            ? "(" + active + ") ? " + value + " : options." + binding.Option
            : value;
    }
}
