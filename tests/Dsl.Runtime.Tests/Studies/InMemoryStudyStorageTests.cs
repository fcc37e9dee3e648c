using Dsl.Studies;

namespace Dsl.Runtime.Tests.Studies;

public sealed class InMemoryStudyStorageTests : StudyStorageContract
{
    protected override IStudyStorage CreateStore() => new InMemoryStudyStorage(Time);
}
