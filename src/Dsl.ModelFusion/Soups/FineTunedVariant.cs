namespace Dsl.ModelFusion.Soups;

/// <summary>A finished fine-tuned variant: its index, checkpoint and settings, and whether an earlier run had trained it.</summary>
/// <param name="Index">The variant's index, which also names its folder.</param>
/// <param name="Path">Its checkpoint (load it with <c>Checkpoint.Load</c>).</param>
/// <param name="Settings">How it was trained.</param>
/// <param name="Reused">Whether it was found finished rather than trained now.</param>
public sealed record FineTunedVariant(int Index, string Path, FineTuneSettings Settings, bool Reused);
