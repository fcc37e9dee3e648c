using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator.Values;

/// <summary>An enum value inside the evaluator, compared by member name.</summary>
internal sealed record EnumValue(string Member);

/// <summary>
/// Computes sizes for given hyperparameter values: the C# of a generated <see cref="Dim"/> (such as
/// <c>((long)this.Size + 2L - 3L) / 1L + 1L</c>) and the user's size members it reads (<c>int Wide => Channels * 2;</c>).
/// It understands arithmetic, comparisons, conditionals, casts and Math.Min/Max/Abs; anything else is unknown (null),
/// and a check that needs it is skipped rather than guessed.
/// </summary>
internal sealed class SizeEvaluator(IEnumerable<SizeMember> sizeMembers, IEnumerable<string> hyperparameters)
{
    private readonly Dictionary<string, string> members = sizeMembers.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Expression);
    private readonly HashSet<string> parameters = new(hyperparameters);
    private readonly Dictionary<string, ExpressionSyntax> parsed = new();
    private readonly Dictionary<string, Func<object?>> compiled = new();
    private IReadOnlyDictionary<string, object> values = new Dictionary<string, object>();
    private readonly List<string> evaluating = new();

    /// <summary>The hyperparameters <paramref name="code"/> reads, through size members too; null when it reads a member it cannot compute.</summary>
    public HashSet<string>? Dependencies(string code)
    {
        var result = new HashSet<string>();
        return Collect(Parse(code), result, new HashSet<string>()) ? result : null;
    }

    /// <summary>The value of <paramref name="code"/> for the given hyperparameter values, or null when it cannot be computed.</summary>
    public object? Evaluate(string code, IReadOnlyDictionary<string, object> assignment)
    {
        values = assignment;
        evaluating.Clear();
        try
        {
            return Compiled(code)();
        }
        catch (ArithmeticException)
        {
            // long.MinValue / -1 or Math.Abs(long.MinValue): no size a layer could take.
            return null;
        }
    }

    /// <summary>The value of <paramref name="code"/> as a size, or null.</summary>
    public long? EvaluateLong(string code, IReadOnlyDictionary<string, object> assignment) =>
        Evaluate(code, assignment) switch { long l => l, _ => null };

    private ExpressionSyntax Parse(string code)
    {
        if (!parsed.TryGetValue(code, out var expression)) parsed[code] = expression = SyntaxFactory.ParseExpression(code);
        return expression;
    }

    /// <summary>The expression turned into closures once, since the checker evaluates it for thousands of assignments.</summary>
    private Func<object?> Compiled(string code)
    {
        if (!compiled.TryGetValue(code, out var function)) compiled[code] = function = Compile(Parse(code));
        return function;
    }

    private bool Collect(ExpressionSyntax expression, HashSet<string> result, HashSet<string> seen)
    {
        foreach (var node in expression.DescendantNodesAndSelf())
        {
            if (node is not IdentifierNameSyntax identifier) continue;
            var name = identifier.Identifier.ValueText;
            switch (identifier.Parent)
            {
                // Parts of a qualified type or namespace name (global::Dsl.FusionKind).
                case QualifiedNameSyntax or AliasQualifiedNameSyntax:
                    continue;
                // The right of a.b, unless a is this: an enum member or a method name, read through its left side.
                case MemberAccessExpressionSyntax access when access.Name == identifier && access.Expression is not ThisExpressionSyntax:
                    continue;
                // The left of Type.Member or Math.Max: a type, not a value.
                case MemberAccessExpressionSyntax access when access.Expression == identifier:
                    continue;
            }
            if (parameters.Contains(name))
            {
                result.Add(name);
            }
            else if (members.TryGetValue(name, out var member))
            {
                if (!seen.Add(name) || !Collect(Parse(member), result, seen)) return false;
            }
            else
            {
                return false;
            }
        }
        return true;
    }

    private Func<object?> Compile(ExpressionSyntax expression)
    {
        switch (expression)
        {
            case LiteralExpressionSyntax literal:
                object? constant = literal.Token.Value switch
                {
                    int i => (long)i,
                    long l => l,
                    uint u => (long)u,
                    double d => d,
                    float f => (double)f,
                    bool b => b,
                    string text => text,
                    _ => null,
                };
                return () => constant;
            case ParenthesizedExpressionSyntax parenthesized:
                return Compile(parenthesized.Expression);
            case CheckedExpressionSyntax @checked:
                return Compile(@checked.Expression);
            case IdentifierNameSyntax identifier:
                var name = identifier.Identifier.ValueText;
                return () => Read(name);
            case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access:
                var member = access.Name.Identifier.ValueText;
                return () => Read(member);
            case MemberAccessExpressionSyntax access:
                var enumValue = new EnumValue(access.Name.Identifier.ValueText);
                return () => enumValue;
            case CastExpressionSyntax cast:
                var keyword = (cast.Type as PredefinedTypeSyntax)?.Keyword.Kind() ?? SyntaxKind.None;
                var castOperand = Compile(cast.Expression);
                return () => Cast(keyword, castOperand());
            case PrefixUnaryExpressionSyntax unary:
                var operand = Compile(unary.Operand);
                return unary.Kind() switch
                {
                    SyntaxKind.UnaryMinusExpression => () => operand() switch { long l => -l, double d => -d, _ => null },
                    SyntaxKind.UnaryPlusExpression => () => operand() is long or double ? operand() : null,
                    SyntaxKind.LogicalNotExpression => () => operand() is bool b ? !b : null,
                    _ => () => null,
                };
            case BinaryExpressionSyntax binary:
                return Binary(binary.Kind(), Compile(binary.Left), Compile(binary.Right));
            case ConditionalExpressionSyntax conditional:
                var (condition, whenTrue, whenFalse) = (Compile(conditional.Condition), Compile(conditional.WhenTrue), Compile(conditional.WhenFalse));
                return () => condition() is bool holds ? (holds ? whenTrue() : whenFalse()) : null;
            case InvocationExpressionSyntax invocation:
                return Invoke(invocation);
            default:
                return () => null;
        }
    }

    private object? Read(string name)
    {
        if (values.TryGetValue(name, out var value)) return value;
        if (!members.TryGetValue(name, out var member) || evaluating.Contains(name)) return null;
        evaluating.Add(name);
        try
        {
            return Compiled(member)();
        }
        finally
        {
            evaluating.Remove(name);
        }
    }

    private static object? Cast(SyntaxKind keyword, object? value) => keyword switch
    {
        SyntaxKind.IntKeyword or SyntaxKind.LongKeyword => value switch { long l => l, double d when !double.IsNaN(d) && Math.Abs(d) < 9e18 => (long)d, _ => null },
        SyntaxKind.DoubleKeyword or SyntaxKind.FloatKeyword => value switch { long l => (double)l, double d => d, _ => null },
        _ => null,
    };

    private static Func<object?> Binary(SyntaxKind kind, Func<object?> left, Func<object?> right)
    {
        if (kind is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression)
        {
            return () =>
            {
                if (left() is not bool a) return null;
                if (kind == SyntaxKind.LogicalAndExpression ? !a : a) return a;
                return right() as bool?;
            };
        }
        return () =>
        {
            var (a, b) = (left(), right());
            return a is null || b is null ? null : Apply(kind, a, b);
        };
    }

    private static object? Apply(SyntaxKind kind, object a, object b)
    {
        switch (kind)
        {
            case SyntaxKind.EqualsExpression: return Equals(a, b) || (IsNumber(a) && IsNumber(b) && ToDouble(a) == ToDouble(b));
            case SyntaxKind.NotEqualsExpression: return !(Equals(a, b) || (IsNumber(a) && IsNumber(b) && ToDouble(a) == ToDouble(b)));
        }
        if (!IsNumber(a) || !IsNumber(b)) return null;
        if (a is long x && b is long y)
        {
            return kind switch
            {
                SyntaxKind.AddExpression => x + y,
                SyntaxKind.SubtractExpression => x - y,
                SyntaxKind.MultiplyExpression => x * y,
                // C# truncates, as the generated constructor does when it computes the size.
                SyntaxKind.DivideExpression => y == 0 ? null : x / y,
                SyntaxKind.ModuloExpression => y == 0 ? null : x % y,
                SyntaxKind.LessThanExpression => x < y,
                SyntaxKind.LessThanOrEqualExpression => x <= y,
                SyntaxKind.GreaterThanExpression => x > y,
                SyntaxKind.GreaterThanOrEqualExpression => x >= y,
                _ => null,
            };
        }
        var (p, q) = (ToDouble(a), ToDouble(b));
        return kind switch
        {
            SyntaxKind.AddExpression => p + q,
            SyntaxKind.SubtractExpression => p - q,
            SyntaxKind.MultiplyExpression => p * q,
            SyntaxKind.DivideExpression => p / q,
            SyntaxKind.LessThanExpression => p < q,
            SyntaxKind.LessThanOrEqualExpression => p <= q,
            SyntaxKind.GreaterThanExpression => p > q,
            SyntaxKind.GreaterThanOrEqualExpression => p >= q,
            _ => null,
        };
    }

    private Func<object?> Invoke(InvocationExpressionSyntax invocation)
    {
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: var method } access
            || !access.Expression.ToString().EndsWith("Math", StringComparison.Ordinal)
            || !((method is "Max" or "Min" && invocation.ArgumentList.Arguments.Count == 2) || (method == "Abs" && invocation.ArgumentList.Arguments.Count == 1)))
            return () => null;
        var arguments = invocation.ArgumentList.Arguments.Select(a => Compile(a.Expression)).ToList();
        return () =>
        {
            var values = arguments.Select(a => a()).ToList();
            if (values.Any(v => !IsNumber(v))) return null;
            if (values.All(v => v is long))
            {
                var longs = values.Select(v => (long)v!).ToList();
                return method switch { "Max" => Math.Max(longs[0], longs[1]), "Min" => Math.Min(longs[0], longs[1]), _ => Math.Abs(longs[0]) };
            }
            var reals = values.Select(v => ToDouble(v!)).ToList();
            return method switch { "Max" => Math.Max(reals[0], reals[1]), "Min" => Math.Min(reals[0], reals[1]), _ => Math.Abs(reals[0]) };
        };
    }

    private static bool IsNumber(object? value) => value is long or double;

    private static double ToDouble(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);
}
