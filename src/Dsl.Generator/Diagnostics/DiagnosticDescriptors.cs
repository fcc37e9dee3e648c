using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Diagnostics;

/// <summary>
/// The one catalog of every diagnostic the Dsl generator reports: one ID per condition, each with a page under
/// docs/diagnostics/ that its help link points to.
/// </summary>
/// <remarks>
/// IDs never change meaning once shipped. A new condition gets a new ID, an entry in AnalyzerReleases.Unshipped.md and
/// a page docs/diagnostics/DSLnnnn.md; tests check all three.
/// </remarks>
internal static class DiagnosticDescriptors
{
    private const string Category = "Dsl";

    /// <summary>Where each ID's page lives; the ID and ".md" follow.</summary>
    public const string HelpLinkBase = "https://github.com/dsl-project/Dsl/blob/main/docs/diagnostics/";

    /// <summary>The help link of <paramref name="id"/>: its page under docs/diagnostics/.</summary>
    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    // Every descriptor is made here, so none can lack its help link.
    private static DiagnosticDescriptor Error(string id, string title, string message, string help) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description: help, helpLinkUri: HelpLink(id));

    // A warning leaves the model's code to be generated as usual.
    private static DiagnosticDescriptor Warning(string id, string title, string message, string help) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description: help, helpLinkUri: HelpLink(id));

    // ---- Declarations of models and sweeps ------------------------------------------------------------------

    public static readonly DiagnosticDescriptor ModelMustBePartial = Error(
        "DSL0001", "Model or sweep class must be partial",
        "'{0}' must be declared partial so the generator can add its code",
        "Add the 'partial' modifier to the class declaration.");

    public static readonly DiagnosticDescriptor NestedDeclaration = Error(
        "DSL0015", "Model or sweep class is nested in another type",
        "'{0}' is nested in another type; declare it at namespace level",
        "Move the [Model] or [Sweep] class out of the enclosing type, into a namespace.");

    public static readonly DiagnosticDescriptor GenericDeclaration = Error(
        "DSL0054", "Model or sweep class is generic",
        "'{0}' is generic; models and sweeps cannot have type parameters",
        "Remove the type parameters; make what they chose a hyperparameter instead.");

    // ---- The model's input and output ------------------------------------------------------------------------

    public static readonly DiagnosticDescriptor MissingInputShape = Error(
        "DSL0002", "Model declares no input shape",
        "Model '{0}' declares no Input shape, and Forward's input has no [Shape(...)]",
        "Set [Model(Input = new[] { channels, height, width })] (or a single width for vectors), or put [Shape(...)] on Forward's input.");

    public static readonly DiagnosticDescriptor InputSizeNotPositive = Error(
        "DSL0019", "Model input size is not positive",
        "Model '{0}' has Input [{1}]; every size must be positive",
        "Every size in Input is a count of channels, rows, columns or features and must be at least 1.");

    public static readonly DiagnosticDescriptor NegativeOutputs = Error(
        "DSL0020", "Model Outputs is negative",
        "Model '{0}' declares Outputs = {1}; it must be positive (or 0 to leave it unchecked)",
        "Set Outputs to the width the last layer produces, or leave it out to skip the check.");

    public static readonly DiagnosticDescriptor InputWithSeveralForwardInputs = Error(
        "DSL0021", "Model Input with a Forward of several inputs",
        "Model '{0}' declares Input, but Forward takes {1} inputs; put [Shape(...)] on each parameter instead",
        "Input describes a single input; with several, remove Input and give each Forward parameter its own [Shape(...)].");

    public static readonly DiagnosticDescriptor ForwardInputNeedsShape = Error(
        "DSL0022", "Forward input needs a positive [Shape]",
        "Model '{0}' needs a positive [Shape(...)] on Forward's input '{1}'",
        "Put [Shape(...)] with positive sizes on every input of a Forward that takes several.");

    public static readonly DiagnosticDescriptor TooManyInputs = Error(
        "DSL0064", "Forward takes more than six inputs",
        "Model '{0}' has a Forward of {1} inputs, but a TorchSharp module takes at most 6; fuse some inputs into one tensor",
        "TorchSharp's Module<T1, ..., T6, TResult> is the widest module type; concatenate related inputs into one tensor and split it in a branch.");

    public static readonly DiagnosticDescriptor MissingForward = Error(
        "DSL0010", "Model has no Forward method",
        "Model '{0}' needs a partial method 'Tensor Forward(Tensor input)' carrying its layers",
        "Declare 'public partial Tensor Forward(Tensor input);' and put the layer attributes on it.");

    public static readonly DiagnosticDescriptor OutputsMismatch = Error(
        "DSL0011", "Model output width differs from Outputs",
        "Model '{0}' declares Outputs = {1}, but its last layer produces {2}",
        "Make the last layer produce Outputs features, or change Outputs.");

    public static readonly DiagnosticDescriptor InputAndShapeConflict = Error(
        "DSL0073", "Model Input conflicts with [Shape] on Forward",
        "Model '{0}' declares Input = [{1}], and Forward's input '{2}' declares [Shape({3})]; declare the shape once",
        "Give the input shape either as [Model(Input = ...)] or as [Shape(...)] on Forward's parameter, not both.");

    // ---- Hyperparameters -------------------------------------------------------------------------------------

    public static readonly DiagnosticDescriptor HyperparameterNotPartialGetter = Error(
        "DSL0008", "Hyperparameter is not a partial get-only property",
        "Hyperparameter '{0}' must be an instance partial property with only a 'get;' accessor and no body",
        "Declare hyperparameters as 'public partial T Name { get; }'; the generator implements the getter.");

    public static readonly DiagnosticDescriptor UnsupportedHyperparameterType = Error(
        "DSL0024", "Hyperparameter type is not supported",
        "Hyperparameter '{0}' has type '{1}'; supported types are int, long, double, float, bool, string and enums",
        "Samplers search numbers, booleans, strings and enum members; use one of those types.");

    public static readonly DiagnosticDescriptor NumericHyperparameterNeedsRange = Error(
        "DSL0025", "Numeric hyperparameter has no range",
        "Hyperparameter '{0}' is numeric and needs a range, [Hyperparameter(min, max)], or Choices = new object[] {{ ... }}",
        "Give numeric hyperparameters their range, [Hyperparameter(min, max)], or their values, Choices = new object[] { 3, 5, 7 }.");

    public static readonly DiagnosticDescriptor ChoicesOnNumericHyperparameter = Error(
        "DSL0026", "Numeric hyperparameter combines Choices with a range",
        "Hyperparameter '{0}' combines Choices with a range, Log or Step; give either Choices or a range",
        "A numeric hyperparameter is searched either over a range (with Log or a Step) or over a list of Choices, not both.");

    public static readonly DiagnosticDescriptor IntegerRangeNotIntegral = Error(
        "DSL0027", "Integer hyperparameter has a fractional range or step",
        "Hyperparameter '{0}' is an integer, but its {1} is not a whole number",
        "Use whole numbers for the range and Step of int and long hyperparameters.");

    public static readonly DiagnosticDescriptor InvalidRange = Error(
        "DSL0005", "Hyperparameter range is empty",
        "Hyperparameter '{0}' has min {1} >= max {2}",
        "The minimum must be strictly less than the maximum.");

    public static readonly DiagnosticDescriptor LogScaleNeedsPositiveMin = Error(
        "DSL0006", "Log scale needs a positive minimum",
        "Hyperparameter '{0}' is log-scaled but its min is {1}; a log scale needs min > 0",
        "Raise the minimum above zero or remove Log = true.");

    public static readonly DiagnosticDescriptor NegativeStep = Error(
        "DSL0028", "Hyperparameter step is negative",
        "Hyperparameter '{0}' has a negative Step {1}",
        "Step is the grid spacing inside the range; make it positive, or 0 for a continuous range.");

    public static readonly DiagnosticDescriptor StepWithLogScale = Error(
        "DSL0029", "Hyperparameter combines Log and Step",
        "Hyperparameter '{0}' combines Log = true with a Step; choose one",
        "A grid step is linear and cannot be combined with a log scale; remove one of them.");

    public static readonly DiagnosticDescriptor DefaultOutOfRange = Error(
        "DSL0007", "Hyperparameter default is outside its range",
        "Hyperparameter '{0}' has default {1}, outside its range {2}",
        "Pick a default inside the range (a whole number for integer hyperparameters).");

    public static readonly DiagnosticDescriptor RangeOnCategoricalHyperparameter = Error(
        "DSL0030", "Non-numeric hyperparameter has a range",
        "Hyperparameter '{0}' is a {1} and takes no numeric range",
        "Bool, string and enum hyperparameters are searched over their choices; use [Hyperparameter] or [Hyperparameter(Choices = ...)].");

    public static readonly DiagnosticDescriptor ChoiceOfWrongType = Error(
        "DSL0031", "Hyperparameter choice has the wrong type",
        "Hyperparameter '{0}' lists a choice that is not of type {1}",
        "Every entry of Choices must be a value of the property's type: strings for a string, members of the enum for an enum, numbers (whole ones for an integer) for a number.");

    public static readonly DiagnosticDescriptor NoChoices = Error(
        "DSL0032", "Hyperparameter has no choices",
        "Hyperparameter '{0}' has no choices to search; list them with Choices",
        "String hyperparameters need Choices = new[] { \"a\", \"b\" }; an enum needs at least one member or listed choice.");

    public static readonly DiagnosticDescriptor DuplicateChoice = Error(
        "DSL0049", "Hyperparameter lists a choice twice",
        "Hyperparameter '{0}' lists the choice {1} more than once",
        "Each choice is a distinct value for the samplers; remove the repeated entry.");

    public static readonly DiagnosticDescriptor DefaultNotAChoice = Error(
        "DSL0023", "Hyperparameter default is not one of its choices",
        "Hyperparameter '{0}' has default {1}, which is not among its choices [{2}]",
        "Pick a default among the choices, or add it to Choices.");

    // ---- [When] conditions -----------------------------------------------------------------------------------

    public static readonly DiagnosticDescriptor ConditionOnUnknownHyperparameter = Error(
        "DSL0014", "[When] names no hyperparameter",
        "Hyperparameter '{0}' depends on '{1}', which is not a hyperparameter of '{2}'",
        "[When(nameof(Other), values...)] must name a hyperparameter of the same class; use nameof so renames follow.");

    public static readonly DiagnosticDescriptor ConditionOnNumericHyperparameter = Error(
        "DSL0052", "[When] names a numeric hyperparameter",
        "Hyperparameter '{0}' depends on numeric '{1}'; conditions apply to categorical, bool and enum hyperparameters",
        "Condition on a bool, string or enum hyperparameter; a numeric one has no values to list.");

    public static readonly DiagnosticDescriptor ConditionValuesNotChoices = Error(
        "DSL0053", "[When] values are not choices",
        "Hyperparameter '{0}' is conditional on values that are not choices of '{1}' [{2}]",
        "List at least one value, each among the choices of the hyperparameter that [When] names.");

    public static readonly DiagnosticDescriptor ConditionCycle = Error(
        "DSL0074", "[When] conditions form a cycle",
        "Hyperparameter '{0}' is part of a cycle of [When] conditions: {1}",
        "A [When] condition may name a hyperparameter declared anywhere in the class, but conditions may not depend on each other in a circle.");

    // ---- Layers and their arguments --------------------------------------------------------------------------

    public static readonly DiagnosticDescriptor UnknownLayer = Error(
        "DSL0041", "Unknown layer attribute",
        "[{0}] is not a layer this generator version understands",
        "Use the layer attributes of the Dsl package; a LayerAttribute subclass of your own is not known to the generator.");

    public static readonly DiagnosticDescriptor ArgumentOutOfRange = Error(
        "DSL0012", "Layer argument is out of range",
        "{0}: {1} must be {2}, but is {3}",
        "Sizes are positive, counts such as stride and padding have a lower bound, and probabilities and factors lie in the range the message names.");

    public static readonly DiagnosticDescriptor ArgumentOfWrongKind = Error(
        "DSL0040", "Layer argument is not a constant of the expected type",
        "{0}: {1} must be {2}, but is {3}",
        "Pass a constant of the type the argument takes, or nameof(...) a member of that type.");

    public static readonly DiagnosticDescriptor UnknownMember = Error(
        "DSL0003", "Unknown member",
        "'{0}' does not name a property or field of '{1}'",
        "Refer to members with nameof(...) so a rename cannot break the reference.");

    public static readonly DiagnosticDescriptor WrongMemberType = Error(
        "DSL0004", "Member has the wrong type",
        "{0} needs {1}, but '{2}' is of type '{3}'",
        "Layer sizes read int members, probabilities read double members, activations read Activation members.");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        "DSL0042", "Layer Name is not a C# identifier",
        "{0}: Name '{1}' is not a valid C# identifier",
        "Name becomes the generated field and its state_dict key; use a C# identifier that is not a keyword.");

    public static readonly DiagnosticDescriptor DuplicateName = Error(
        "DSL0013", "Layer name is used twice",
        "The name '{0}' is used by more than one layer or member of '{1}'",
        "Submodule names become state_dict keys and must be unique within a model; rename the layer or the member.");

    public static readonly DiagnosticDescriptor PaddingOverHalfWindow = Error(
        "DSL0043", "Pooling padding exceeds half the window",
        "{0}: padding {1} must be at most half the kernel size {2}",
        "PyTorch pools only with padding up to half the window; lower Padding or widen the window.");

    public static readonly DiagnosticDescriptor OptionValueNotOffered = Error(
        "DSL0044", "Layer does not offer this option value",
        "{0}: {1} must be {2}",
        "Pick one of the values the message lists; the layer cannot build the others.");

    public static readonly DiagnosticDescriptor RecurrentDropoutNeedsLayers = Error(
        "DSL0045", "Recurrent dropout needs stacked layers",
        "{0}: Dropout applies between stacked layers, so it needs NumLayers above 1",
        "Set NumLayers to 2 or more, or drop Dropout (or put a [Dropout] layer after the recurrent one).");

    public static readonly DiagnosticDescriptor PaddingIndexOutsideTable = Error(
        "DSL0046", "Embedding padding index is outside the table",
        "{0}: PaddingIndex {1} is not a token id of a {2}-entry table",
        "PaddingIndex must lie in [0, num_embeddings); leave it out for no padding token.");

    // ---- Shapes ----------------------------------------------------------------------------------------------

    public static readonly DiagnosticDescriptor InputRankMismatch = Error(
        "DSL0009", "Layer input has the wrong rank",
        "{0} expects a {1} input but receives {2}",
        "The generator infers shapes from the model's Input; add a layer that reshapes (Flatten, Embedding) or change the layers before it.");

    public static readonly DiagnosticDescriptor WindowDoesNotFit = Error(
        "DSL0033", "Kernel or window does not fit the input",
        "{0} with {1} does not fit its {2} input: the output would be {3}",
        "Shrink the kernel or window, add Padding, or remove a downsampling layer before it.");

    public static readonly DiagnosticDescriptor SequencePoolingWithoutSteps = Error(
        "DSL0090", "Sequence pooling receives no steps",
        "{0} pools the steps of a [length, features] sequence, but receives {1}, which has none; a recurrent layer before it needs Return = Sequence.All",
        "A recurrent layer returns only its last state by default; set Return = Sequence.All so every step reaches the pooling, or drop the pooling.");

    public static readonly DiagnosticDescriptor HeadsDoNotDivideWidth = Error(
        "DSL0034", "Attention heads do not divide the embedding",
        "{0} splits its {1} input into {2} heads, but {3} {4} is not divisible by {2}",
        "Choose a head count that divides the embedding width, or change the width before the layer.");

    public static readonly DiagnosticDescriptor SeveralInputsWithoutFuse = Error(
        "DSL0035", "Block of several inputs does not start with [Fuse]",
        "Block '{0}' takes {1} inputs but does not start with [Fuse(...)] to merge them",
        "Put [Fuse(kind, nameof(BranchA), nameof(BranchB))] first; its branches take the inputs by parameter name.");

    public static readonly DiagnosticDescriptor FusionBranchNotVector = Error(
        "DSL0036", "Fusion branch does not produce a vector",
        "{0} needs vector branches, but '{1}' produces {2}; end it with [Flatten]",
        "Fusion merges feature vectors; end each branch with [Flatten] or a pooling layer that leaves one dimension.");

    public static readonly DiagnosticDescriptor FusionWidthsMayDiffer = Error(
        "DSL0037", "Fusion branch widths may differ",
        "{0} merges branches of widths {1} that may differ; set Width = ... so they can be projected to it",
        "When branch widths depend on hyperparameters, set Width so every branch is projected to the same width.");

    public static readonly DiagnosticDescriptor ResidualCannotProject = Error(
        "DSL0038", "Residual shortcut cannot match the block's output",
        "{0} cannot add its input {1} to the output {2} of '{3}': the shortcut can project features or channels, and downsample by an integer stride",
        "Keep the block's rank and make its spatial sizes the input's divided by a whole stride.");

    public static readonly DiagnosticDescriptor RepeatChangesShape = Error(
        "DSL0039", "Repeated block changes its shape",
        "{0} repeats '{1}', which must keep its shape, but it turns {2} into {3}",
        "Each copy feeds the next, so the repeated block must return the shape it receives.");

    public static readonly DiagnosticDescriptor EmbeddingOfFloats = Warning(
        "DSL0082", "Embedding fed by a floating-point input",
        "Embedding looks up integer token ids, but it receives the floating-point output of {0}",
        "Put Embedding first in a block that receives the token ids (a long tensor).");

    // ---- Blocks ----------------------------------------------------------------------------------------------

    public static readonly DiagnosticDescriptor InvalidBlockSignature = Error(
        "DSL0060", "Block method has the wrong signature",
        "Block '{0}' carries layers but is not an instance 'partial Tensor {0}(Tensor ...)' declaration without a body",
        "Declare blocks as 'private partial Tensor Name(Tensor x);': instance, partial, no body, Tensor in and out.");

    public static readonly DiagnosticDescriptor UnknownBlock = Error(
        "DSL0016", "Unknown block",
        "'{0}' is not a block of '{1}'; blocks are partial methods that take and return Tensor and carry layers",
        "Fuse, Residual and Repeat refer to block methods of the same model with nameof(...).");

    public static readonly DiagnosticDescriptor BlockArgumentNotNameof = Error(
        "DSL0047", "Structure layer does not name a block",
        "{0}: {1} must name a block method with nameof(...)",
        "Pass nameof(Block) where the layer takes a block.");

    public static readonly DiagnosticDescriptor FuseNeedsTwoBranches = Error(
        "DSL0048", "Fusion has fewer than two branches",
        "{0} needs at least two branches, each nameof(a block method)",
        "A fusion merges two or more branches; for one, call the block's layers directly.");

    public static readonly DiagnosticDescriptor BlockUsedTwice = Error(
        "DSL0017", "Block is used more than once",
        "Block '{0}' is used more than once; each use builds its own weights, so declare a second block",
        "Each block is used exactly once; to share a design, declare one block per use (or use Repeat).");

    public static readonly DiagnosticDescriptor BlockCycle = Error(
        "DSL0055", "Blocks form a cycle",
        "Block '{0}' is part of a cycle: {1}",
        "A block cannot contain itself, directly or through other blocks; break the cycle.");

    public static readonly DiagnosticDescriptor StructureInWrappedBlock = Error(
        "DSL0056", "Residual or Repeat block holds a structure layer",
        "Block '{0}' is used by {1} and may hold only layers, not {2}",
        "Blocks that Residual or Repeat wrap hold plain layers; put the fusion or nesting in Forward or in a Fuse branch.");

    public static readonly DiagnosticDescriptor FusionInputNotAvailable = Error(
        "DSL0057", "Fusion branch input is not available",
        "Block '{0}' takes an input named '{1}', but the fusion can only pass {2}",
        "Branches receive the enclosing block's inputs by parameter name; rename the branch's parameter to match.");

    public static readonly DiagnosticDescriptor WrappedBlockNeedsOneInput = Error(
        "DSL0058", "Residual or Repeat block takes several inputs",
        "Block '{0}' is used by {1} and must take exactly one input",
        "Residual and Repeat pass one tensor; give the block a single Tensor parameter.");

    public static readonly DiagnosticDescriptor UnusedBlock = Error(
        "DSL0059", "Block is never used",
        "Block '{0}' is never used; refer to it from Forward with Fuse, Residual or Repeat",
        "Use the block, or remove its layer attributes (or the method).");

    // ---- Sweeps ----------------------------------------------------------------------------------------------

    public static readonly DiagnosticDescriptor SweepTargetNotModel = Error(
        "DSL0018", "Sweep does not name a model",
        "Sweep '{0}' must name a [Model] class, but names '{1}'",
        "[Sweep(typeof(SomeModel))] names a class that carries [Model].");

    public static readonly DiagnosticDescriptor SweepBudgetBelowOne = Error(
        "DSL0061", "Sweep trial has no epoch or step",
        "Sweep '{0}' declares {1} = {2}; a trial needs at least one {3}",
        "Set Epochs (a model's sweep) or Steps (an objective sweep) to 1 or more, or leave it out for the default.");

    public static readonly DiagnosticDescriptor SweepObjectiveMissing = Error(
        "DSL0091", "Sweep of user code has no usable objective method",
        "Sweep '{0}' names no model, so it needs an instance method 'public Task<double> ObjectiveAsync(ObjectiveTrial trial, CancellationToken cancellationToken)'; {1}",
        "Declare the objective method with exactly that signature (Task<double> from System.Threading.Tasks, ObjectiveTrial from Dsl.Sweeps, CancellationToken from System.Threading), or name a [Model] class with [Sweep(typeof(SomeModel))].");

    public static readonly DiagnosticDescriptor SweepHyperparameterShadowsModel = Error(
        "DSL0050", "Sweep and model declare the same hyperparameter",
        "Hyperparameter '{0}' is declared by both the sweep and its model '{1}'",
        "A trial's parameters share one name space; rename or remove one of them.");

    public static readonly DiagnosticDescriptor UnknownTrainingOption = Error(
        "DSL0062", "Sweep hyperparameter is not a training option",
        "Sweep '{0}' declares '{1}' ({2}), which is not a training option; sweep hyperparameters set {3}",
        "Sweep hyperparameters set the TrainingOptions property of the same name; model hyperparameters belong on the model.");

    public static readonly DiagnosticDescriptor TrainingOptionWrongType = Error(
        "DSL0063", "Sweep hyperparameter has the wrong type for its training option",
        "Sweep '{0}' declares '{1}' ({2}), but the training option {1} needs a hyperparameter of type {3}",
        "Declare the hyperparameter with the type the message names.");

    // ---- Values a hyperparameter can take -------------------------------------------------------------------

    public static readonly DiagnosticDescriptor NoValueFits = Error(
        "DSL0070", "No value of a hyperparameter fits the layer",
        "{0} fails for every value of {1}; for example {2}",
        "The generator checks a layer at every value a sampler can produce for the hyperparameters its sizes depend on. " +
        "When no value works, change the range or the layer. When only some values fail, DSL0071 warns and the search leaves them out.");

    public static readonly DiagnosticDescriptor SomeValuesDoNotFit = Warning(
        "DSL0071", "Some values of a hyperparameter do not fit the layer",
        "{0} fails for {1}, for example {2}; {3}",
        "The generator checks a layer at every value a sampler can produce (the ends of a real range). Values that fail whatever " +
        "the other hyperparameters are are left out of the generated SearchSpace (the range is narrowed, or becomes a list of the " +
        "values that work) and rejected by the Hyperparameters record, so no trial is spent on them; a real range is narrowed to " +
        "what the layer accepts; combinations that fail although each value can work are rejected when the model is built. " +
        "Narrow the range to what every layer accepts to silence the warning.");

    public static readonly DiagnosticDescriptor DefaultDoesNotFit = Error(
        "DSL0072", "A hyperparameter default does not fit the layer",
        "{0} fails at the defaults {1}: {2}",
        "Hyperparameters.Default must build a working model; pick defaults that every layer accepts.");

    public static readonly DiagnosticDescriptor UnusedHyperparameter = Warning(
        "DSL0079", "Hyperparameter is never used",
        "Hyperparameter '{0}' is searched, but no layer, condition or member of '{1}' uses it",
        "A hyperparameter that nothing reads only adds noise to the search; use it with nameof(...) or remove it.");

    public static readonly DiagnosticDescriptor StepDoesNotDivideRange = Warning(
        "DSL0080", "Step does not divide the range",
        "Hyperparameter '{0}' has Step {1}, which does not divide its range [{2}, {3}]; the largest value searched is {4}",
        "Samplers step from the minimum, so the maximum is never reached; make max - min a multiple of Step.");

    public static readonly DiagnosticDescriptor NeverActive = Warning(
        "DSL0081", "Hyperparameter can never be active",
        "Hyperparameter '{0}' is searched, but can never take effect: {1}",
        "A hyperparameter whose condition can never hold, or a training option the searched optimizers ignore, only adds noise to the search.");

    // ---- Declarations the generator cannot expand ------------------------------------------------------------

    public static readonly DiagnosticDescriptor ModelOnRecord = Error(
        "DSL0075", "[Model] on a record",
        "'{0}' is a record; [Model] applies to partial classes",
        "A model is a TorchSharp module, and a record cannot derive from Module. Declare 'public partial class'.");

    public static readonly DiagnosticDescriptor ModelOnAbstractClass = Error(
        "DSL0076", "[Model] on an abstract class",
        "'{0}' is abstract; the generator builds instances of models, so [Model] classes cannot be abstract",
        "Remove 'abstract', or move the shared members to a base class without [Model].");

    public static readonly DiagnosticDescriptor ConstructorClash = Error(
        "DSL0077", "Constructor clashes with the generated one",
        "Model '{0}' declares a constructor {1}, which the generator writes itself",
        "The generator writes M() and M(M.Hyperparameters); remove this constructor, or give it other parameters that call this(...).");

    public static readonly DiagnosticDescriptor ModelAndSweep = Error(
        "DSL0078", "[Model] and [Sweep] on the same class",
        "'{0}' carries both [Model] and [Sweep]; declare the sweep as a class of its own",
        "A sweep names its model with [Sweep(typeof(M))]; both generate the same members, so they cannot share a class.");

    public static readonly DiagnosticDescriptor GeneratedNameClash = Error(
        "DSL0083", "Member name clashes with a generated member",
        "'{0}' is also the name of {1} that the generator writes in '{2}'",
        "Generated layer fields are named after the layer kind (fc1, conv2) and become state_dict keys; rename the member, or give the layer Name = \"...\".");

    public static readonly DiagnosticDescriptor StaticModel = Error(
        "DSL0084", "Model class is static",
        "'{0}' is static; a model is a module the generator builds instances of",
        "Remove 'static': the generator makes the class a TorchSharp module with constructors.");

    public static readonly DiagnosticDescriptor ModelWithBaseClass = Error(
        "DSL0085", "Model class derives from another class",
        "'{0}' derives from {1}; the generator makes a model derive from {2}",
        "Remove the base class (or declare exactly the module type the generator writes); share code through members or helpers instead.");

    // ---- Frozen blocks ------------------------------------------------------------------------------------------

    public static readonly DiagnosticDescriptor FrozenForward = Error(
        "DSL0092", "[Frozen] on Forward",
        "[Frozen] on Forward would freeze all of '{0}'; put it on the blocks that should not train, or freeze layers with TrainingOptions.FreezeLayers",
        "A model whose every parameter is frozen cannot train. Mark the blocks Forward uses (through Fuse, Residual or Repeat) [Frozen], or select Forward's own layers with FreezeLayers.");

    public static readonly DiagnosticDescriptor FrozenNotABlock = Warning(
        "DSL0093", "[Frozen] on a method that is not a block",
        "[Frozen] on '{0}' does nothing: it is not a block, a partial Tensor method with layer attributes",
        "[Frozen] freezes the layers of a block method that Fuse, Residual or Repeat uses. Move it to such a block, or remove it.");

    public static readonly DiagnosticDescriptor FrozenBlockWithoutParameters = Warning(
        "DSL0094", "Frozen block holds no parameters or statistics",
        "Block '{0}' is [Frozen] but holds no parameters or statistics, so freezing it changes nothing",
        "Its layers (and those of the blocks it uses) have no weights or running statistics, such as Flatten, Dropout, activations, pooling and LayerNorm without Affine. Remove [Frozen], or put it on the block that holds the weights.");

    public static readonly IReadOnlyList<DiagnosticDescriptor> All =
    [
        ModelMustBePartial, NestedDeclaration, GenericDeclaration, ModelOnRecord, ModelOnAbstractClass, StaticModel, ModelWithBaseClass,
        ConstructorClash, ModelAndSweep, GeneratedNameClash,
        MissingInputShape, InputSizeNotPositive, NegativeOutputs, InputWithSeveralForwardInputs, ForwardInputNeedsShape, TooManyInputs, InputAndShapeConflict, MissingForward, OutputsMismatch,
        HyperparameterNotPartialGetter, UnsupportedHyperparameterType, NumericHyperparameterNeedsRange, ChoicesOnNumericHyperparameter,
        IntegerRangeNotIntegral, InvalidRange, LogScaleNeedsPositiveMin, NegativeStep, StepWithLogScale, DefaultOutOfRange,
        RangeOnCategoricalHyperparameter, ChoiceOfWrongType, NoChoices, DuplicateChoice, DefaultNotAChoice,
        ConditionOnUnknownHyperparameter, ConditionOnNumericHyperparameter, ConditionValuesNotChoices, ConditionCycle,
        UnknownLayer, ArgumentOutOfRange, ArgumentOfWrongKind, UnknownMember, WrongMemberType, InvalidLayerName, DuplicateName,
        PaddingOverHalfWindow, OptionValueNotOffered, RecurrentDropoutNeedsLayers, PaddingIndexOutsideTable,
        InputRankMismatch, WindowDoesNotFit, SequencePoolingWithoutSteps, HeadsDoNotDivideWidth, SeveralInputsWithoutFuse, FusionBranchNotVector, FusionWidthsMayDiffer,
        ResidualCannotProject, RepeatChangesShape, EmbeddingOfFloats,
        InvalidBlockSignature, UnknownBlock, BlockArgumentNotNameof, FuseNeedsTwoBranches, BlockUsedTwice, BlockCycle,
        StructureInWrappedBlock, FusionInputNotAvailable, WrappedBlockNeedsOneInput, UnusedBlock,
        SweepTargetNotModel, SweepBudgetBelowOne, SweepObjectiveMissing, SweepHyperparameterShadowsModel, UnknownTrainingOption, TrainingOptionWrongType,
        NoValueFits, SomeValuesDoNotFit, DefaultDoesNotFit, UnusedHyperparameter, StepDoesNotDivideRange, NeverActive,
        FrozenForward, FrozenNotABlock, FrozenBlockWithoutParameters,
    ];

    private static readonly Dictionary<string, DiagnosticDescriptor> ByIdMap = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => ByIdMap[id];
}
