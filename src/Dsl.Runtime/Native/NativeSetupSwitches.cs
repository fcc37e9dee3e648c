namespace Dsl.Native;

/// <summary>
/// Lets an application turn off either part of the native setup that Dsl.Runtime does before the first torch call.
/// </summary>
/// <remarks>
/// <para>Each part is on by default and is turned off by either of:</para>
/// <list type="bullet">
/// <item>an environment variable set to <c>0</c>, <c>false</c> or <c>off</c> (<see cref="PatchLibStdCxxVariable"/>,
/// <see cref="CapOneDnnIsaVariable"/>), which wins when set;</item>
/// <item>an AppContext switch set to false (<see cref="PatchLibStdCxxSwitch"/>, <see cref="CapOneDnnIsaSwitch"/>): in the
/// project file as <c>&lt;DslPatchLibStdCxx&gt;false&lt;/DslPatchLibStdCxx&gt;</c> or
/// <c>&lt;DslCapOneDnnIsa&gt;false&lt;/DslCapOneDnnIsa&gt;</c> with the package (its buildTransitive props turn them into
/// <c>RuntimeHostConfigurationOption</c> items), or in <c>runtimeconfig.template.json</c>.</item>
/// </list>
/// <para>Switches are read from the module initializer, so setting them from code is too late.</para>
/// </remarks>
public static class NativeSetupSwitches
{
    /// <summary>The AppContext switch that, when false, leaves TorchSharp's native shim unpatched.</summary>
    public const string PatchLibStdCxxSwitch = "Dsl.Native.PatchLibStdCxx";

    /// <summary>The environment variable that, when 0/false/off, leaves TorchSharp's native shim unpatched.</summary>
    public const string PatchLibStdCxxVariable = "DSL_PATCH_LIBSTDCXX";

    /// <summary>The AppContext switch that, when false, leaves oneDNN's CPU instruction set uncapped.</summary>
    public const string CapOneDnnIsaSwitch = "Dsl.Native.CapOneDnnIsa";

    /// <summary>The environment variable that, when 0/false/off, leaves oneDNN's CPU instruction set uncapped.</summary>
    public const string CapOneDnnIsaVariable = "DSL_CAP_ONEDNN_ISA";

    /// <summary>Whether the libstdc++ fix for TorchSharp's shim may run in this process.</summary>
    public static bool PatchLibStdCxx => IsOn(PatchLibStdCxxSwitch, PatchLibStdCxxVariable, Environment.GetEnvironmentVariable, ReadAppContextSwitch);

    /// <summary>Whether oneDNN may be capped at AVX2 in this process.</summary>
    public static bool CapOneDnnIsa => IsOn(CapOneDnnIsaSwitch, CapOneDnnIsaVariable, Environment.GetEnvironmentVariable, ReadAppContextSwitch);

    /// <summary>On unless the variable says off, or (when the variable is unset) the switch is set to false.</summary>
    internal static bool IsOn(string switchName, string variable, Func<string, string?> readVariable, Func<string, bool?> readSwitch)
    {
        var text = readVariable(variable)?.Trim();
        if (!string.IsNullOrEmpty(text))
            return !(text == "0" || text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.Equals("off", StringComparison.OrdinalIgnoreCase));
        return readSwitch(switchName) ?? true;
    }

    private static bool? ReadAppContextSwitch(string name) => AppContext.TryGetSwitch(name, out var enabled) ? enabled : null;
}
