using System.Reflection;
using static TorchSharp.torch;

namespace Dsl;

/// <summary>State-dict names of modules and what generated models declare about them through class attributes.</summary>
internal static class StateDictNames
{
    /// <summary>Whether the parameter or module <paramref name="name"/> is <paramref name="module"/> or lies inside it ("fc1" holds "fc1.weight", not "fc10").</summary>
    public static bool Within(string module, string name) =>
        name.StartsWith(module, StringComparison.Ordinal) && (name.Length == module.Length || name[module.Length] == '.');

    /// <summary>Every <typeparamref name="TAttribute"/> on <paramref name="root"/> and the modules inside it, with the owner's path from the root ("" for the root).</summary>
    public static IEnumerable<(string Path, TAttribute Attribute)> Declared<TAttribute>(nn.Module root) where TAttribute : Attribute =>
        root.named_modules().Prepend(("", root))
            .SelectMany(m => m.Item2.GetType().GetCustomAttributes<TAttribute>(inherit: false).Select(a => (m.Item1, a)));

    /// <summary><paramref name="name"/> declared by the module at <paramref name="path"/>, named from the root.</summary>
    public static string FromRoot(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
