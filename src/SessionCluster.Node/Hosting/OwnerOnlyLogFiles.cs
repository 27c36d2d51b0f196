using System.Text;
using Serilog.Sinks.File;

namespace SessionCluster.Node.Hosting;

/// <summary>
/// Makes every log file 0600 as the file sink opens it (a new one each day). The sink cannot be given a mode,
/// and the logs folder is 0700, so nobody else can reach the file in between.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OwnerOnlyLogFiles : FileLifecycleHooks
{
    public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
    {
        OwnerOnly.Tighten(path);
        return underlyingStream;
    }
}
