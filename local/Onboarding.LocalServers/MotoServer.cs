using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Onboarding.LocalServers;

/// <summary>
/// A <c>moto_server</c> process on a free 127.0.0.1 port: DynamoDB, ACM PCA, Secrets Manager, SNS, SQS, STS.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    public const string InstallHint =
        "moto_server was not found on PATH. It is part of the machine image (moto 5 with the server extra); " +
        "set MOTO_SERVER to its path, or install it with 'pip install \"moto[server]>=5\"'.";

    private readonly Process process;
    private readonly HttpClient http;

    private MotoServer(Process process, Uri endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
        http = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Where every AWS client points its endpoint override.</summary>
    public Uri Endpoint { get; }

    public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = Environment.GetEnvironmentVariable("MOTO_SERVER") is { Length: > 0 } configured
            ? configured
            : FindOnPath("moto_server") ?? throw new InvalidOperationException(InstallHint);

        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(executable, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        // Drain moto's request log so its pipe never fills and blocks it.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new MotoServer(process, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Forgets every resource in every service.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync("moto-api/reset", content: null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        // Readiness is polled by attempts, not by a clock: moto needs a few seconds to import its services.
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {process.ExitCode} before it was ready.");
            }

            try
            {
                using var response = await http.GetAsync("moto-api/data.json", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException($"moto_server did not answer on {Endpoint}.");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
