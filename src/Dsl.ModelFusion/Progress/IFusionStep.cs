namespace Dsl.ModelFusion.Progress;

/// <summary>A step of a fusion in progress; <see cref="IDisposable.Dispose"/> ends it.</summary>
public interface IFusionStep : IDisposable
{
    /// <summary>One more unit of work is done; <paramref name="detail"/> says what it gave.</summary>
    void Advance(string? detail = null);
}
