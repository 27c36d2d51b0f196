using System.Net;
using System.Net.Sockets;

namespace SessionCluster.Testing;

public static class FreePort
{
    private const int Lowest = 10_000;

    /// <summary>The first port of the kernel's ephemeral range, which bind(0) and outgoing connections draw from.</summary>
    private static readonly int EphemeralStart = ReadEphemeralStart();

    private static int next = Random.Shared.Next(Lowest, EphemeralStart);

    /// <summary>
    /// A loopback TCP port nothing listens on right now, below the ephemeral range: a port the OS hands out (a node
    /// started with <c>--akka-port 0</c>, a client's connection) cannot take it between now and its user's bind, as it
    /// once did (a node's remoting took the HTTP port picked for it, and the node exited). Each process walks on from
    /// a random start, so parallel test processes seldom meet; each port is checked free.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            var port = Lowest + ((Interlocked.Increment(ref next) - Lowest) % (EphemeralStart - Lowest));
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: the next one.
            }
        }
    }

    private static int ReadEphemeralStart()
    {
        var range = File.Exists("/proc/sys/net/ipv4/ip_local_port_range") ? File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range") : "";
        var first = range.Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(first, out var start) && start > Lowest + 1_000 ? start : 32_768;
    }
}
