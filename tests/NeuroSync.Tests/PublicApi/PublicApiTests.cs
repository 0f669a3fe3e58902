using System.Reflection;
using System.Text;
using NeuroSync.Tests.TestUtilities;

namespace NeuroSync.Tests.PublicApi;

/// <summary>
/// The library's public surface, snapshotted in <c>PublicApi/NeuroSync.api.txt</c>: an accidental change to a public type
/// or member fails here. After a deliberate change, copy the file the failure names over the snapshot and review the diff.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void PublicSurface_EqualsTheCommittedSnapshot()
    {
        string actual = Describe(typeof(EmotionRecognizer).Assembly);
        string snapshotPath = Path.Combine(AppContext.BaseDirectory, "PublicApi", "NeuroSync.api.txt");
        string expected = File.Exists(snapshotPath) ? File.ReadAllText(snapshotPath).ReplaceLineEndings("\n") : string.Empty;
        if (actual != expected)
        {
            string written = Path.Combine(TestFiles.ActualOutput(nameof(PublicSurface_EqualsTheCommittedSnapshot)), "NeuroSync.api.txt");
            File.WriteAllText(written, actual);
            var added = actual.Split('\n').Except(expected.Split('\n')).Take(20);
            var removed = expected.Split('\n').Except(actual.Split('\n')).Take(20);
            Assert.Fail($"The public API changed. Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}\n"
                + $"If intended, copy {written} to tests/NeuroSync.Tests/PublicApi/NeuroSync.api.txt.");
        }
    }

    [Fact]
    public void PublicSurface_HasNoPublicTypeOutsideTheNeuroSyncAndDependencyInjectionNamespaces()
    {
        var strays = typeof(EmotionRecognizer).Assembly.GetExportedTypes()
            .Where(t => t.Namespace is not null && !t.Namespace.StartsWith("NeuroSync", StringComparison.Ordinal) && t.Namespace != "Microsoft.Extensions.DependencyInjection")
            .Select(t => t.FullName);
        Assert.Empty(strays);
    }

    internal static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            lines.Add($"{Kind(type)} {Name(type)}{BaseList(type)}");
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo member in type.GetMembers(Flags))
            {
                string? text = member switch
                {
                    ConstructorInfo c => $"{Name(type)}.ctor({Parameters(c)})",
                    MethodInfo m when !m.IsSpecialName => $"{Name(type)}.{m.Name}{Generic(m)}({Parameters(m)}) -> {Name(m.ReturnType)}{(m.IsStatic ? " static" : string.Empty)}",
                    PropertyInfo p => $"{Name(type)}.{p.Name} : {Name(p.PropertyType)} {{{(p.GetMethod?.IsPublic == true ? " get;" : string.Empty)}{(p.SetMethod?.IsPublic == true ? (IsInit(p) ? " init;" : " set;") : string.Empty)} }}",
                    FieldInfo f when type.IsEnum && f.IsStatic => $"{Name(type)}.{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
                    FieldInfo f when !type.IsEnum => $"{Name(type)}.{f.Name} : {Name(f.FieldType)}{(f.IsLiteral ? " const" : string.Empty)}",
                    EventInfo e => $"{Name(type)}.{e.Name} event {Name(e.EventHandlerType!)}",
                    _ => null,
                };
                if (text is not null)
                {
                    lines.Add("  " + text);
                }
            }
        }

        // Types sorted by their line, members kept under their type.
        var blocks = new List<List<string>>();
        foreach (string line in lines)
        {
            if (!line.StartsWith("  ", StringComparison.Ordinal))
            {
                blocks.Add([line]);
            }
            else
            {
                blocks[^1].Add(line);
            }
        }

        var builder = new StringBuilder();
        foreach (var block in blocks.OrderBy(b => b[0], StringComparer.Ordinal))
        {
            builder.Append(block[0]).Append('\n');
            foreach (string member in block.Skip(1).OrderBy(m => m, StringComparer.Ordinal))
            {
                builder.Append(member).Append('\n');
            }
        }

        return builder.ToString();
    }

    private static string Kind(Type t) =>
        t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct" : t.IsAbstract && t.IsSealed ? "static class" : t.IsSealed ? "sealed class" : t.IsAbstract ? "abstract class" : "class";

    private static string BaseList(Type t)
    {
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? string.Empty : " : " + string.Join(", ", bases);
    }

    private static bool IsInit(PropertyInfo p) =>
        p.SetMethod!.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static string Generic(MethodInfo m) => m.IsGenericMethod ? $"<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>" : string.Empty;

    private static string Parameters(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type t)
    {
        if (t.IsByRef)
        {
            return "ref " + Name(t.GetElementType()!);
        }

        if (t.IsArray)
        {
            return Name(t.GetElementType()!) + "[]";
        }

        if (t.IsGenericParameter)
        {
            return t.Name;
        }

        string name = t.IsNested ? $"{Name(t.DeclaringType!)}.{t.Name}" : $"{t.Namespace}.{t.Name}";
        if (t.IsGenericType)
        {
            name = name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
        }

        return name;
    }
}
