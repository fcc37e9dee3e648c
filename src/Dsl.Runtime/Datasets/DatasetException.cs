namespace Dsl.Datasets;

/// <summary>Thrown when a dataset file or source is missing, truncated or corrupt; the message names the file and what was wrong.</summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public DatasetException()
        : base("The dataset could not be loaded.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    public DatasetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and the exception that caused it.</summary>
    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
