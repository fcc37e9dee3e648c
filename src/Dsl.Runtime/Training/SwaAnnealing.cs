namespace Dsl.Training;

/// <summary>How the learning rate moves to <see cref="TrainingOptions.SwaLearningRate"/> when stochastic weight averaging starts.</summary>
public enum SwaAnnealing
{
    /// <summary>Half a cosine from the scheduled rate to the SWA rate (PyTorch SWALR's default).</summary>
    Cosine,

    /// <summary>A straight line from the scheduled rate to the SWA rate.</summary>
    Linear,
}
