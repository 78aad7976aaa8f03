using System.Reflection;
using System.Runtime.InteropServices;

namespace Onboarding.Aws.Kafka;

/// <summary>
/// Picks the librdkafka build that loads on this machine and makes Confluent.Kafka use it.
/// The default linux-x64 <c>librdkafka.so</c> in librdkafka.redist needs libsasl2.so.3, which Debian
/// and the Lambda <c>provided.al2023</c> image lack; the CentOS 8 build of the same version does not.
/// Call <see cref="EnsureLoaded"/> once before the first Kafka client is built.
/// </summary>
public static class Librdkafka
{
    private static readonly Lock Gate = new();
    private static string? loadedPath;
    private static IntPtr loadedHandle;

    /// <summary>The native library handle (for callers that bind extra exports, such as the mock cluster).</summary>
    public static IntPtr EnsureLoaded()
    {
        lock (Gate)
        {
            if (loadedHandle != IntPtr.Zero)
            {
                return loadedHandle;
            }

            loadedPath = FindLibrary();
            loadedHandle = NativeLibrary.Load(loadedPath);
            // Confluent.Kafka loads a chosen library with dlopen imported from "libdl", a name that glibc 2.34+
            // ships only as libdl.so.2; and its P/Invoke names must resolve to the same file.
            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, ResolveForConfluent);
            Confluent.Kafka.Library.Load(loadedPath);
            return loadedHandle;
        }
    }

    private static IntPtr ResolveForConfluent(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        "libdl" => NativeLibrary.TryLoad("libdl.so.2", out var libdl) ? libdl : IntPtr.Zero,
        _ when name.Contains("rdkafka", StringComparison.Ordinal) && loadedHandle != IntPtr.Zero => loadedHandle,
        _ => IntPtr.Zero,
    };

    private static string FindLibrary()
    {
        var arm = RuntimeInformation.OSArchitecture == Architecture.Arm64;
        var rid = arm ? "linux-arm64" : "linux-x64";
        string[] names = arm ? ["librdkafka.so"] : ["centos8-librdkafka.so", "librdkafka.so"];
        var baseDir = AppContext.BaseDirectory;
        foreach (var name in names)
        {
            foreach (var candidate in new[] { Path.Combine(baseDir, "runtimes", rid, "native", name), Path.Combine(baseDir, name) })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"librdkafka was not found under {baseDir} (looked for {string.Join(", ", names)} in runtimes/{rid}/native and beside the program). " +
            "It ships in the librdkafka.redist package that Confluent.Kafka depends on.");
    }
}
