using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>Derives per-epoch seeds, so an epoch's shuffle and dropout depend only on the run's seed and the epoch number.</summary>
/// <remarks>That is what makes a resumed run equal to an uninterrupted one: nothing depends on how many draws came before.</remarks>
internal static class Seeds
{
    public const ulong ShuffleStream = 0x5348_5546;
    public const ulong DropoutStream = 0x4452_4F50;

    public static long ForEpoch(int seed, int epoch, ulong stream) =>
        (long)(Mix(Mix((ulong)(uint)seed ^ stream) ^ (ulong)(uint)epoch) & 0x7FFF_FFFF_FFFF_FFFF);

    /// <summary>Seeds TorchSharp's global generator, which initialisation and dropout draw from.</summary>
    public static void SeedGlobal(long seed, Device? device)
    {
        manual_seed(seed);
        if (device is { type: DeviceType.CUDA }) cuda.manual_seed_all(seed);
    }

    // SplitMix64's finaliser: nearby inputs (seed 1, 2, 3; epoch 1, 2, 3) give unrelated outputs.
    private static ulong Mix(ulong z)
    {
        z += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }
}
