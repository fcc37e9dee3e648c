namespace Dsl.Search;

/// <summary>A generated, strongly typed hyperparameter record that converts to and from a sampler's assignment.</summary>
public interface IHyperparameters
{
    /// <summary>The active parameters and their values, keyed by parameter name.</summary>
    IReadOnlyDictionary<string, object> ToValues();
}

/// <summary>The static side of a generated hyperparameter record: its defaults, search space and factory.</summary>
public interface IHyperparameters<TSelf> : IHyperparameters where TSelf : IHyperparameters<TSelf>
{
    /// <summary>Every parameter at its default.</summary>
    static abstract TSelf Default { get; }

    /// <summary>The ranges the samplers read.</summary>
    static abstract SearchSpace SearchSpace { get; }

    /// <summary>Builds a record from an assignment; missing keys take their defaults, out-of-range values throw.</summary>
    static abstract TSelf FromValues(IReadOnlyDictionary<string, object> values);
}
