using Dsl.Generator.Diagnostics;
using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Layers;

/// <summary>
/// One layer kind, self-contained: how its attribute's arguments are read, what shape it produces, and the code
/// that builds and applies it. Adding a layer means adding one subclass (or one more instance of a shared one, such as
/// <see cref="WindowPoolingLayer"/>) and listing it in <see cref="LayerCatalog"/>.
/// </summary>
internal abstract class LayerDefinition
{
    /// <summary>The attribute's name without the "Attribute" suffix (for example "Conv2d").</summary>
    public abstract string Name { get; }

    /// <summary>Prefix of generated field names, so state_dict keys read like hand-written ones (conv1, fc2).</summary>
    public abstract string FieldPrefix { get; }

    /// <summary>
    /// Whether the module that <paramref name="layer"/> makes holds state-dict entries (parameters or running statistics),
    /// so that freezing it means something; where the layer's arguments decide (LayerNorm without Affine), they are read.
    /// </summary>
    public virtual bool HoldsState(LayerSpec layer) => true;

    /// <summary>The constructor arities the attribute offers; other arities do not bind and are left to the compiler.</summary>
    public virtual IReadOnlyCollection<int> Arities => [1];

    /// <summary>Reads the attribute into arguments; returns false after reporting a diagnostic.</summary>
    public abstract bool Read(LayerReader reader);

    /// <summary>The output shape (without the batch dimension) for <paramref name="input"/>, or null after reporting a mismatch.</summary>
    public abstract List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report);

    /// <summary>The declared type of the generated field.</summary>
    public virtual string FieldType(LayerSpec layer) => TypeNames.TensorModule;

    /// <summary>The expression that constructs the module, given the shapes that flow through it.</summary>
    public abstract string Factory(LayerSpec layer, LayerShape shape);

    /// <summary>
    /// A rule between arguments that <see cref="Read"/> checks when they are constants, as the diagnostic it reports; the
    /// value checker asks it again for every value of the hyperparameters the arguments read. Null when none is broken.
    /// </summary>
    public virtual RuleViolation? ArgumentViolation(LayerSpec layer) => null;

    /// <summary>
    /// The input dimensions (by index) whose sizes this layer's shape rules read; the value checker tries every value
    /// of the hyperparameters behind them. Every dimension unless a layer knows better (a convolution reads only its
    /// spatial sizes, never its channels).
    /// </summary>
    public virtual IEnumerable<int> RuleDimensions(int rank) => Enumerable.Range(0, rank);

    /// <summary>The arguments this layer's shape rules read (a kernel size, not out_channels), or null for all of them.</summary>
    public virtual IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => null;

    /// <summary>A field name derived from the arguments (such as the wrapped block's), instead of prefix + counter.</summary>
    public virtual string? PreferredFieldName(LayerSpec layer) => null;
}

/// <summary>A broken rule between a layer's arguments: its descriptor, and the message arguments after the layer's name.</summary>
internal sealed record RuleViolation(DiagnosticDescriptor Descriptor, string[] Arguments);

/// <summary>Collects shape diagnostics for the layer being checked; every message starts with the layer's kind.</summary>
internal sealed class ShapeReporter(List<DiagnosticInfo> diagnostics)
{
    /// <summary>Reports <paramref name="descriptor"/> at <paramref name="layer"/>, whose kind is the message's first argument.</summary>
    public void Report(DiagnosticDescriptor descriptor, LayerSpec layer, params string[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, layer.Location, [layer.Kind, .. arguments]));

    /// <summary>Reports an input whose rank the layer cannot take; <paramref name="expected"/> reads like "[channels, length]".</summary>
    public void WrongRank(LayerSpec layer, IReadOnlyList<Dim> input, string expected) =>
        Report(DiagnosticDescriptors.InputRankMismatch, layer, expected, ShapeMath.Describe(input));

    public bool RequireRank(LayerSpec layer, IReadOnlyList<Dim> input, int rank, string expected)
    {
        if (input.Count == rank) return true;
        WrongRank(layer, input, expected);
        return false;
    }
}
