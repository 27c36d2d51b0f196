using System.Runtime.Versioning;

// The agents, their signals and /proc are Linux's: so are these tests.
[assembly: SupportedOSPlatform("linux")]
