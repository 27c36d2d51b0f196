using System.Globalization;

namespace SessionCluster.Benchmarks;

/// <summary>One target and how the measurement compares to it; <paramref name="Met"/> null for a figure without a target.</summary>
public sealed record Verdict(string Benchmark, string What, string Measured, string Target, bool? Met)
{
    public override string ToString() => Met switch
    {
        true => $"MET     {Benchmark}: {What} = {Measured} (target {Target})",
        false => $"MISSED  {Benchmark}: {What} = {Measured} (target {Target})",
        null => $"INFO    {Benchmark}: {What} = {Measured}",
    };
}

public static class Report
{
    public static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Heading(string name)
    {
        Console.WriteLine();
        Console.WriteLine($"==================== {name} ====================");
    }

    public static void Line(string label, string value) => Console.WriteLine($"  {label,-58} {value}");

    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string Ms(double ms) => ms.ToString("0.0", Invariant) + " ms";

    public static string Num(double value, string format = "#,0") => value.ToString(format, Invariant);

    /// <summary>"min / median / max" of a sample, for the spread.</summary>
    public static string Spread(IReadOnlyCollection<double> ms) =>
        $"min {Ms(ms.Min())}, median {Ms(Median(ms))}, max {Ms(ms.Max())} (n={ms.Count})";

    public static Verdict Print(Verdict verdict)
    {
        Console.WriteLine($"  >>> {verdict}");
        return verdict;
    }
}
