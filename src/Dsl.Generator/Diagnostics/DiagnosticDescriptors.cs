using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator;

/// <summary>The one catalog of every diagnostic the Dsl generator reports.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Dsl";

    private static DiagnosticDescriptor Error(string id, string title, string message, string help) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description: help);

    public static readonly DiagnosticDescriptor ModelMustBePartial = Error(
        "DSL0001", "Model class must be partial",
        "'{0}' must be declared partial so the generator can add its code",
        "Add the 'partial' modifier to the class declaration.");

    public static readonly DiagnosticDescriptor InvalidInputShape = Error(
        "DSL0002", "Model input shape is missing or invalid",
        "Model '{0}' {1}",
        "Set [Model(Input = new[] { channels, height, width })] (or a single width for vectors); every size must be positive.");

    public static readonly DiagnosticDescriptor UnknownMember = Error(
        "DSL0003", "Unknown member",
        "'{0}' does not name a property or field of '{1}'",
        "Refer to members with nameof(...) so a rename cannot break the reference.");

    public static readonly DiagnosticDescriptor WrongMemberType = Error(
        "DSL0004", "Member has the wrong type",
        "{0} needs {1}, but '{2}' is of type '{3}'",
        "Layer sizes read int members, probabilities read double members, activations read Activation members.");

    public static readonly DiagnosticDescriptor InvalidRange = Error(
        "DSL0005", "Hyperparameter range is empty",
        "Hyperparameter '{0}' has min {1} >= max {2}",
        "The minimum must be strictly less than the maximum.");

    public static readonly DiagnosticDescriptor LogScaleNeedsPositiveMin = Error(
        "DSL0006", "Log scale needs a positive minimum",
        "Hyperparameter '{0}' is log-scaled but its min is {1}; a log scale needs min > 0",
        "Raise the minimum above zero or remove Log = true.");

    public static readonly DiagnosticDescriptor DefaultOutOfRange = Error(
        "DSL0007", "Hyperparameter default is outside its range",
        "Hyperparameter '{0}' has default {1}, outside its range {2}",
        "Pick a default inside the range, or one of the choices.");

    public static readonly DiagnosticDescriptor InvalidHyperparameterDeclaration = Error(
        "DSL0008", "Invalid hyperparameter declaration",
        "Hyperparameter '{0}' {1}",
        "Declare hyperparameters as 'public partial T Name { get; }' with T one of int, long, double, float, bool, string or an enum.");

    public static readonly DiagnosticDescriptor ShapeMismatch = Error(
        "DSL0009", "Layer does not fit the shape it receives",
        "{0} {1}",
        "The generator infers shapes from the model's Input; change the layer or the layers before it.");

    public static readonly DiagnosticDescriptor MissingForward = Error(
        "DSL0010", "Model has no Forward method",
        "Model '{0}' needs a partial method 'Tensor Forward(Tensor input)' carrying its layers",
        "Declare 'public partial Tensor Forward(Tensor input);' and put the layer attributes on it.");

    public static readonly DiagnosticDescriptor OutputsMismatch = Error(
        "DSL0011", "Model output width differs from Outputs",
        "Model '{0}' declares Outputs = {1}, but its last layer produces {2}",
        "Make the last layer produce Outputs features, or change Outputs.");

    public static readonly DiagnosticDescriptor InvalidArgument = Error(
        "DSL0012", "Unsupported layer argument",
        "{0}: {1}",
        "Layer arguments are positive constants or nameof(...) a member of the matching type.");

    public static readonly DiagnosticDescriptor DuplicateName = Error(
        "DSL0013", "Duplicate name",
        "The name '{0}' is used by more than one {1}",
        "Submodule names become state_dict keys and must be unique within a model.");

    public static readonly DiagnosticDescriptor InvalidCondition = Error(
        "DSL0014", "Invalid [When] condition",
        "Hyperparameter '{0}' {1}",
        "[When(nameof(Other), values...)] must name a categorical, bool or enum hyperparameter declared before this one, with values among its choices.");

    public static readonly DiagnosticDescriptor UnsupportedModelDeclaration = Error(
        "DSL0015", "Unsupported model declaration",
        "Model '{0}' {1}",
        "Models must be non-generic, non-nested classes.");

    public static readonly DiagnosticDescriptor UnknownBlock = Error(
        "DSL0016", "Unknown block",
        "'{0}' is not a block of '{1}'; blocks are partial methods that take and return Tensor and carry layers",
        "Fuse, Residual and Repeat refer to block methods of the same model with nameof(...).");

    public static readonly DiagnosticDescriptor InvalidBlockUse = Error(
        "DSL0017", "Invalid block use",
        "Block '{0}' {1}",
        "Each block is used exactly once (each use builds its own weights), blocks may not form a cycle, and blocks used by Residual or Repeat hold only layers.");

    public static readonly DiagnosticDescriptor InvalidSweep = Error(
        "DSL0018", "Invalid sweep declaration",
        "Sweep '{0}' {1}",
        "[Sweep(typeof(SomeModel))] names a [Model] class; its [Hyperparameter] properties are training options matched by name.");

    public static readonly IReadOnlyList<DiagnosticDescriptor> All =
    [
        ModelMustBePartial, InvalidInputShape, UnknownMember, WrongMemberType, InvalidRange, LogScaleNeedsPositiveMin,
        DefaultOutOfRange, InvalidHyperparameterDeclaration, ShapeMismatch, MissingForward, OutputsMismatch,
        InvalidArgument, DuplicateName, InvalidCondition, UnsupportedModelDeclaration, UnknownBlock, InvalidBlockUse, InvalidSweep,
    ];

    private static readonly Dictionary<string, DiagnosticDescriptor> ByIdMap = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => ByIdMap[id];
}
