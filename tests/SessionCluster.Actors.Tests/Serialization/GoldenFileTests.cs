using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Actors.Serialization;
using SessionCluster.Domain;
using Xunit.Abstractions;

namespace SessionCluster.Actors.Tests.Serialization;

/// <summary>
/// Pins the bytes of every persisted type: Golden/&lt;Manifest&gt;.bin holds today's serialization of
/// <see cref="SerializationSamples.Full"/>[manifest]. Each test checks both directions: the sample still
/// serializes to exactly those bytes, and those bytes (as an old journal holds them) still deserialize to the sample.
/// A missing or different file fails the test. Env values are sealed with <see cref="GoldenEnvCipher"/> (a fixed key and
/// nonces), so the files pin the sealed form; Golden/plaintext-env/ keeps the plaintext env older versions wrote.
/// </summary>
/// <remarks>
/// To (re)generate the files on purpose, run with SESSIONCLUSTER_UPDATE_GOLDEN=1:
/// <code>SESSIONCLUSTER_UPDATE_GOLDEN=1 dotnet test tests/SessionCluster.Actors.Tests --filter FullyQualifiedName~GoldenFileTests</code>
/// It writes tests/SessionCluster.Actors.Tests/Golden/*.bin in the source tree; commit them.
/// Do that only for a new manifest, or after convincing yourself the old bytes need not be read any more
/// (see Golden/README.md): an existing file that changes means journals already written may no longer read.
/// </remarks>
public sealed class GoldenFileTests(ITestOutputHelper output)
    : TestKit(SessionEventSerializer.Config, nameof(GoldenFileTests), output)
{
    public const string UpdateVariable = "SESSIONCLUSTER_UPDATE_GOLDEN";

    private readonly ITestOutputHelper _output = output;

    public static TheoryData<string> Manifests => [.. SessionEventSerializer.Manifests.Values.Order(StringComparer.Ordinal)];

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    private static string OutputGoldenDirectory => Path.Combine(AppContext.BaseDirectory, "Golden");

    /// <summary>The manifests whose golden files older versions wrote with plaintext env values.</summary>
    public static TheoryData<string> PlaintextEnvManifests => ["SL", "SS"];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Golden_bytes_match_the_sample_both_ways(string manifest)
    {
        Assert.IsType<SessionEventSerializer>(Sys.Serialization.FindSerializerForType(typeof(SessionState)));
        var serializer = new SessionEventSerializer((ExtendedActorSystem)Sys, GoldenEnvCipher.Create());
        var sample = SerializationSamples.Full[manifest];
        Assert.Equal(manifest, serializer.Manifest(sample));
        var bytes = serializer.ToBinary(sample);

        if (Updating)
        {
            var written = Write(manifest, bytes);
            _output.WriteLine($"{UpdateVariable}=1: wrote {written}");
        }

        var path = Path.Combine(OutputGoldenDirectory, manifest + ".bin");
        Assert.True(File.Exists(path),
            $"Golden file {manifest}.bin is missing ({path}). If {manifest} is new, generate it with {UpdateVariable}=1 and commit it.");
        var golden = File.ReadAllBytes(path);

        Assert.True(golden.AsSpan().SequenceEqual(bytes),
            $"{SerializationSamples.Full[manifest].GetType().Name} ({manifest}) no longer serializes to Golden/{manifest}.bin.\n" +
            $"golden: {Convert.ToHexString(golden)}\nnow:    {Convert.ToHexString(bytes)}\n" +
            "Journals hold the old bytes: change the serializer compatibly, or read Golden/README.md before regenerating.");

        var back = serializer.FromBinary(golden, manifest);
        Assert.IsType(sample.GetType(), back);
        Assert.Equal(Canonical.Of(sample), Canonical.Of(back));
    }

    /// <summary>Journals written before env values were sealed hold them in plaintext: those must still read, by any key.</summary>
    [Theory]
    [MemberData(nameof(PlaintextEnvManifests))]
    public void Golden_files_with_plaintext_env_still_deserialize_to_the_sample(string manifest)
    {
        var path = Path.Combine(OutputGoldenDirectory, "plaintext-env", manifest + ".bin");
        var old = File.ReadAllBytes(path);
        var sample = SerializationSamples.BeforeLaunchSpec[manifest];

        foreach (var cipher in new[] { GoldenEnvCipher.Create(), new EnvCipher(new byte[EnvCipher.KeySize]) })
        {
            var back = new SessionEventSerializer((ExtendedActorSystem)Sys, cipher).FromBinary(old, manifest);
            Assert.Equal(Canonical.Of(sample), Canonical.Of(back));
        }

        // And it really is the old form: the values are in the bytes.
        Assert.True(old.AsSpan().IndexOf("http://127.0.0.1:8080"u8) >= 0);
    }

    /// <summary>The manifests whose golden files the versions before the launch spec (and permission requests) wrote.</summary>
    public static TheoryData<string> BeforeLaunchSpecManifests => ["SL", "SS", "TC", "WFI"];

    /// <summary>
    /// Journals written before the launch spec hold flat launch fields, no permission mode, no denial counts and the
    /// reserved "permission-request" waiting reason: they read as the same sessions, in mode ask. Never regenerate these files.
    /// </summary>
    [Theory]
    [MemberData(nameof(BeforeLaunchSpecManifests))]
    public void Golden_files_from_before_the_launch_spec_still_deserialize_to_what_they_meant(string manifest)
    {
        var old = File.ReadAllBytes(Path.Combine(OutputGoldenDirectory, "before-launch-spec", manifest + ".bin"));

        var back = new SessionEventSerializer((ExtendedActorSystem)Sys, GoldenEnvCipher.Create()).FromBinary(old, manifest);

        Assert.Equal(Canonical.Of(SerializationSamples.BeforeLaunchSpec[manifest]), Canonical.Of(back));
    }

    /// <summary>The manifests whose golden files pin queued permission requests and several undelivered answers.</summary>
    public static TheoryData<string> PermissionQueueManifests => ["SS"];

    /// <summary>
    /// Golden/permission-queue/ pins the snapshot fields written since requests queue (44, 45) both ways, as the main
    /// files do; Golden/SS.bin, unchanged, is the form before them (one answer, in field 37).
    /// </summary>
    [Theory]
    [MemberData(nameof(PermissionQueueManifests))]
    public void Golden_files_with_queued_permissions_match_the_sample_both_ways(string manifest) =>
        AssertGoldenBothWays("permission-queue", manifest, SerializationSamples.PermissionQueue[manifest], "with queued permissions");

    /// <summary>The manifests whose golden files pin a resume the session launches itself.</summary>
    public static TheoryData<string> ResumeLaunchManifests => ["SRA", "SS"];

    /// <summary>Golden/resume-launch/ pins the resume's prompt (SRA field 3) and the owed launches (SS field 46) both ways.</summary>
    [Theory]
    [MemberData(nameof(ResumeLaunchManifests))]
    public void Golden_files_with_a_resume_launch_owed_match_the_sample_both_ways(string manifest) =>
        AssertGoldenBothWays("resume-launch", manifest, SerializationSamples.ResumeLaunch[manifest], "with a resume launch owed");

    /// <summary>The manifests whose golden files pin the fields notifications added.</summary>
    public static TheoryData<string> LastTextAndChannelManifests => ["SL", "SS", "TC"];

    /// <summary>Golden/last-text-and-channel/ pins the launch's channel (LaunchSpec field 11) and the last text (TC field 5, SS field 47) both ways.</summary>
    [Theory]
    [MemberData(nameof(LastTextAndChannelManifests))]
    public void Golden_files_with_the_last_text_and_the_channel_match_the_sample_both_ways(string manifest) =>
        AssertGoldenBothWays("last-text-and-channel", manifest, SerializationSamples.LastTextAndChannel[manifest], "with the last text and the channel");

    /// <summary>The manifests whose golden files pin a launch with auto-resume.</summary>
    public static TheoryData<string> AutoResumeManifests => ["SL", "SS"];

    /// <summary>Golden/auto-resume/ pins the launch's auto-resume (LaunchSpec field 13) in the event and the snapshot both ways.</summary>
    [Theory]
    [MemberData(nameof(AutoResumeManifests))]
    public void Golden_files_with_auto_resume_match_the_sample_both_ways(string manifest) =>
        AssertGoldenBothWays("auto-resume", manifest, SerializationSamples.AutoResume[manifest], "with auto-resume");

    /// <summary>Golden/<paramref name="folder"/>/<paramref name="manifest"/>.bin is what <paramref name="sample"/> serializes to, and reads back as it.</summary>
    private void AssertGoldenBothWays(string folder, string manifest, object sample, string what)
    {
        var serializer = new SessionEventSerializer((ExtendedActorSystem)Sys, GoldenEnvCipher.Create());
        var bytes = serializer.ToBinary(sample);
        if (Updating)
        {
            _output.WriteLine($"{UpdateVariable}=1: wrote {Write(manifest, bytes, folder)}");
        }

        var golden = File.ReadAllBytes(Path.Combine(OutputGoldenDirectory, folder, manifest + ".bin"));

        Assert.True(golden.AsSpan().SequenceEqual(bytes),
            $"{manifest} {what} no longer serializes to Golden/{folder}/{manifest}.bin.\n" +
            $"golden: {Convert.ToHexString(golden)}\nnow:    {Convert.ToHexString(bytes)}");
        Assert.Equal(Canonical.Of(sample), Canonical.Of(serializer.FromBinary(golden, manifest)));
    }

    [Fact]
    public void Every_golden_file_belongs_to_a_manifest_the_serializer_still_reads()
    {
        var known = SessionEventSerializer.Manifests.Values.ToHashSet(StringComparer.Ordinal);
        var files = System.IO.Directory.Exists(OutputGoldenDirectory)
            ? System.IO.Directory.GetFiles(OutputGoldenDirectory, "*.bin").Select(Path.GetFileNameWithoutExtension).ToList()
            : [];

        Assert.All(files, name => Assert.True(known.Contains(name!), $"Golden/{name}.bin has no manifest any more: old {name} events would not read."));
    }

    /// <summary>Writes into the source tree (found from this file's path) and into the test output.</summary>
    private static string Write(string manifest, byte[] bytes, string subdirectory = "", [CallerFilePath] string thisFile = "")
    {
        var project = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, ".."));
        var sourceGolden = Path.Combine(project, "Golden", subdirectory);
        if (!System.IO.Directory.Exists(project))
        {
            throw new InvalidOperationException($"Cannot find the test project's source folder from {thisFile}.");
        }

        foreach (var directory in new[] { sourceGolden, Path.Combine(OutputGoldenDirectory, subdirectory) })
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, manifest + ".bin"), bytes);
        }

        return Path.Combine(sourceGolden, manifest + ".bin");
    }
}
