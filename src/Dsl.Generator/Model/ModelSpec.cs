using Dsl.Generator.Helpers;

namespace Dsl.Generator.Model;

/// <summary>Everything the generator needs to know about one [Model] class, as plain equatable data.</summary>
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
        (Namespace is null ? ClassName : Namespace + "." + ClassName) + "." + part + ".g.cs";
}

/// <summary>A partial Tensor method carrying layers: the entry <c>Forward</c>, or a block that Fuse, Residual or Repeat uses.</summary>
internal sealed record BlockSpec(string Name, string Modifiers, EquatableArray<InputSpec> Inputs, EquatableArray<LayerSpec> Layers, LocationInfo? Location)
{
    public const string ForwardName = "Forward";

    public bool IsForward => Name == ForwardName;

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

/// <summary>One Tensor parameter of a block; <see cref="Shape"/> comes from its [Shape] attribute, when present.</summary>
internal sealed record InputSpec(string Name, EquatableArray<int> Shape);

/// <summary>The result of parsing one class: a model when it could be read, and the diagnostics found on the way.</summary>
internal sealed record ParsedModel(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A parsed model with the inferred shapes of every block it uses, and the diagnostics of the check.</summary>
internal sealed record CheckedModel(ModelSpec Model, EquatableArray<BlockPlan> Plans, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;

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
