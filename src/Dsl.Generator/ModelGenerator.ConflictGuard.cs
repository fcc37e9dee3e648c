using System.Linq;
using Dsl.Generator.Helpers;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator;

/// <summary>
/// Writes the constructor's check for combinations of hyperparameter values that fail a layer although each value can
/// work (see <see cref="ValueChecker"/>): the module then refuses them with one clear message instead of a libtorch error.
/// </summary>
internal static class ConflictGuard
{
    public static void Emit(SourceWriter w, string className, ValueConflict conflict)
    {
        var tuple = "(" + string.Join(", ", conflict.Parameters.Select(p => "hyperparameters." + p)) + ")";
        var patterns = conflict.Combinations.Select(c => "(" + string.Join(", ", c.Literals) + ")").ToList();
        w.Line("if (" + tuple + " is " + patterns[0]);
        foreach (var pattern in patterns.Skip(1)) w.Line("    or " + pattern);
        w.Line(")");
        var format = className + " cannot be built with " + string.Join(", ", conflict.Parameters.Select((p, i) => p + " = {" + i + "}")) +
                     ": together they do not fit " + conflict.Layer + " (Dsl warning DSL0071).";
        w.Line("    throw new global::System.ArgumentException(global::System.String.Format(global::System.Globalization.CultureInfo.InvariantCulture, " +
               SymbolDisplay.FormatLiteral(format, quote: true) + ", " + string.Join(", ", conflict.Parameters.Select(p => "hyperparameters." + p)) + "), nameof(hyperparameters));");
    }
}
