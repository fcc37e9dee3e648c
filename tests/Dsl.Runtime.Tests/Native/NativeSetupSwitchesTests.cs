using Dsl.Native;

namespace Dsl.Runtime.Tests.Native;

public sealed class NativeSetupSwitchesTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData("0", null, false)]
    [InlineData("false", true, false)]
    [InlineData("OFF", null, false)]
    [InlineData("1", false, true)]
    [InlineData("  ", false, false)]
    public void A_part_is_on_unless_the_variable_or_else_the_switch_turns_it_off(string? variable, bool? appContextSwitch, bool expected)
    {
        var on = NativeSetupSwitches.IsOn("Dsl.Test.Switch", "DSL_TEST_VARIABLE",
            name => name == "DSL_TEST_VARIABLE" ? variable : null,
            name => name == "Dsl.Test.Switch" ? appContextSwitch : null);
        Assert.Equal(expected, on);
    }

    [Fact]
    public void The_native_setup_ran_in_this_test_process_because_nothing_turned_it_off()
    {
        TorchNativeLibraries.EnsureLoadable();
        Assert.NotEqual(TorchNativeFixOutcome.Disabled, TorchNativeLibraries.Status.Outcome);
        Assert.NotEqual(TorchNativeFixOutcome.NotRun, TorchNativeLibraries.Status.Outcome);
    }
}
