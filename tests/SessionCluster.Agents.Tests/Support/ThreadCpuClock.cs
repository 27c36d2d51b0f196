using System.Runtime.InteropServices;

namespace SessionCluster.Agents.Tests.Support;

/// <summary>
/// CPU time used by the calling thread (clock_gettime CLOCK_THREAD_CPUTIME_ID): a rate per CPU-second that
/// other processes on a busy machine do not skew, as wall-clock time would.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static TimeSpan Now
    {
        get
        {
            if (clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
            {
                throw new InvalidOperationException($"clock_gettime failed: errno {Marshal.GetLastPInvokeError()}");
            }

            return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
