namespace Dsl.Checkpoints;

/// <summary>A checkpoint file is missing, unreadable, or does not fit the model it is loaded into.</summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception for the file at <paramref name="path"/>.</summary>
    public CheckpointException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file the problem is about.</summary>
    public string Path { get; }
}
