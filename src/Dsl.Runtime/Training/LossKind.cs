namespace Dsl.Training;

/// <summary>The loss a <see cref="Trainer"/> minimises; it also decides which metrics an evaluation can compute.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy over class logits [B, C] against class indices [B]; supports label smoothing.</summary>
    CrossEntropy,
    /// <summary>Mean squared error against targets shaped like the output; a regression loss without class metrics.</summary>
    MeanSquaredError,
    /// <summary>Binary cross-entropy on logits (sigmoid built in) against 0/1 targets shaped like the output.</summary>
    BinaryCrossEntropy,
}
