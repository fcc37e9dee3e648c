using Dsl.Generator.Diagnostics;
using System.Linq;
using Dsl.Generator.Helpers;

namespace Dsl.Generator.Model;

/// <summary>Everything the generator needs to know about one [Model] class, as plain equatable data.</summary>
/// <param name="HasParseErrors">Whether parsing reported an error; the model then gets code that compiles but throws.</param>
/// <param name="Declaration">How the class is declared, so generated parts match it.</param>
/// <param name="Stubs">
/// Implementations that throw, for the user's partial members the generator does not otherwise implement: members it
/// rejected, or every DSL member of a class it cannot expand at all (see <see cref="DeclarationSpec.Expandable"/>).
/// </param>
/// <param name="Members">The user's own members, whose names generated members must not take.</param>
/// <param name="Sizes">Members whose values the generator can compute from hyperparameters, such as <c>int Wide => Channels * 2;</c>.</param>
internal sealed record ModelSpec(
    string? Namespace,
    string ClassName,
    string FullyQualifiedName,
    EquatableArray<int> InputShape,
    int Outputs,
    EquatableArray<HyperparameterSpec> Hyperparameters,
    EquatableArray<BlockSpec> Blocks,
    LocationInfo? Location,
    bool HasParseErrors = false)
{
    public DeclarationSpec Declaration { get; init; } = DeclarationSpec.Class;

    public EquatableArray<string> Stubs { get; init; } = EquatableArray<string>.Empty;

    public EquatableArray<UserMember> Members { get; init; } = EquatableArray<UserMember>.Empty;

    public EquatableArray<SizeMember> Sizes { get; init; } = EquatableArray<SizeMember>.Empty;

    /// <summary>The entry block, implemented as the module's forward.</summary>
    public BlockSpec? Forward
    {
        get
        {
            foreach (var block in Blocks)
                if (block.IsForward) return block;
            return null;
        }
    }

    public BlockSpec? Block(string name)
    {
        foreach (var block in Blocks)
            if (block.Name == name) return block;
        return null;
    }

    /// <summary>Deterministic file name: the sanitized full type name plus the part.</summary>
    public string HintName(string part) =>
        (Namespace is null ? "" : Namespace + ".") + string.Concat(Declaration.ContainingTypes.Select(t => t.Name + ".")) + ClassName + "." + part + ".g.cs";
}

/// <summary>
/// How a [Model] class is declared. A class the generator cannot expand (a record, an abstract, generic or nested class,
/// one with a clashing constructor or a [Sweep]) only gets throwing implementations of its partial members, so the
/// user sees the one diagnostic that explains why.
/// </summary>
/// <param name="Keyword">"class" or "record".</param>
/// <param name="TypeParameters">The type parameter list, such as "&lt;T&gt;", or empty.</param>
/// <param name="ContainingTypes">The partial types the class is nested in, outermost first.</param>
internal sealed record DeclarationSpec(string Keyword, string TypeParameters, EquatableArray<ContainingType> ContainingTypes, bool Expandable)
{
    public static DeclarationSpec Class { get; } = new("class", "", EquatableArray<ContainingType>.Empty, true);
}

/// <summary>A type a model class is nested in: its keyword ("class", "struct", "record", "interface"...) and name with type parameters.</summary>
internal sealed record ContainingType(string Keyword, string Name, string TypeParameters);

/// <summary>A member the user declared in a model class: generated members must not take its name.</summary>
internal sealed record UserMember(string Name, LocationInfo? Location);

/// <summary>
/// A member whose value the generator can compute: a constant, or an instance property whose getter is a single
/// expression (<paramref name="Expression"/>, as written) over hyperparameters and other such members.
/// </summary>
internal sealed record SizeMember(string Name, string Expression);

/// <summary>A partial Tensor method carrying layers: the entry <c>Forward</c>, or a block that Fuse, Residual or Repeat uses.</summary>
internal sealed record BlockSpec(string Name, string Modifiers, EquatableArray<InputSpec> Inputs, EquatableArray<LayerSpec> Layers, LocationInfo? Location)
{
    public const string ForwardName = "Forward";

    public bool IsForward => Name == ForwardName;

    /// <summary>The block's [Frozen] attribute, or null when its parameters train.</summary>
    public FrozenSpec? Frozen { get; init; }

    /// <summary>The model field of one of this block's layers: Forward's own names, other blocks' prefixed with the block's.</summary>
    public string FieldName(LayerSpec layer) => IsForward ? layer.FieldName : FieldPrefix + "_" + layer.FieldName;

    /// <summary>snake_case of the method name: the prefix of its submodules' state_dict keys.</summary>
    public string FieldPrefix
    {
        get
        {
            var builder = new System.Text.StringBuilder();
            for (var i = 0; i < Name.Length; i++)
            {
                if (char.IsUpper(Name[i]) && i > 0 && !char.IsUpper(Name[i - 1])) builder.Append('_');
                builder.Append(char.ToLowerInvariant(Name[i]));
            }
            return builder.ToString();
        }
    }
}

/// <summary>[Frozen] on a block: its parameters do not train; its BatchNorm statistics update only with <paramref name="TrainBatchNorm"/>.</summary>
internal sealed record FrozenSpec(bool TrainBatchNorm, LocationInfo? Location);

/// <summary>One Tensor parameter of a block; <see cref="Shape"/> comes from its [Shape] attribute, when present.</summary>
internal sealed record InputSpec(string Name, EquatableArray<int> Shape);

/// <summary>The result of parsing one class: a model when it could be read, and the diagnostics found on the way.</summary>
internal sealed record ParsedModel(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A parsed model with the inferred shapes of every block it uses, and the diagnostics of the check.</summary>
/// <param name="Conflicts">Combinations of hyperparameter values that fail a layer, though each value on its own can work.</param>
internal sealed record CheckedModel(ModelSpec Model, EquatableArray<BlockPlan> Plans, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public EquatableArray<ValueConflict> Conflicts { get; init; } = EquatableArray<ValueConflict>.Empty;

    public bool HasErrors => Model.HasParseErrors || Diagnostics.Any(d => d.IsError);

    public BlockPlan? Plan(string block)
    {
        foreach (var plan in Plans)
            if (plan.Block == block) return plan;
        return null;
    }
}

/// <summary>How a block is used, and the shapes through each of its layers.</summary>
internal sealed record BlockPlan(string Block, BlockUse Use, EquatableArray<LayerShape> Shapes);

/// <summary>Where a block's layers live: as fields of the model (entry and fusion branches) or inside one wrapper module.</summary>
internal enum BlockUse
{
    Entry,
    Branch,
    ResidualBody,
    RepeatBody,
}

/// <summary>
/// Combinations of values of <paramref name="Parameters"/> (each combination C# literals in the same order) that fail
/// <paramref name="Layer"/>; the generated record rejects them when it is built.
/// </summary>
internal sealed record ValueConflict(EquatableArray<string> Parameters, EquatableArray<ValueCombination> Combinations, string Layer);

/// <summary>One combination of hyperparameter values, as C# literals.</summary>
internal sealed record ValueCombination(EquatableArray<string> Literals);
