using System.Diagnostics;

namespace Onboarding.LocalStack;

/// <summary>One of our programs run as its own process, as on AWS: its output prefixed with its name, killed on stop.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    public string Name { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Starts <c>dotnet &lt;assembly&gt;.dll</c> from this program's folder (the local stack references every function).</summary>
    public static ChildProcess Start(string name, string assembly, IReadOnlyDictionary<string, string> environment, TextWriter log, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        var prefix = $"[{name}] ";
        process.OutputDataReceived += (_, e) => Write(log, prefix, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, prefix, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(name, process);
    }

    /// <summary>Polls a URL until it answers, by attempts rather than by the clock.</summary>
    public async Task WaitUntilAnswersAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it was ready.");
            }

            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if ((int)response.StatusCode < 500)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // slow first request
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException($"{Name} did not answer on {url}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static void Write(TextWriter log, string prefix, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(prefix + line);
        }
    }
}
