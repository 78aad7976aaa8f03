using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/Onboarding.Benchmarks -- <command>`:
// BenchmarkDotNet suites by filter (`--filter *Enrichment*`), or one of the bench commands below
// for measurements that BenchmarkDotNet cannot host (process start-up, end-to-end Kafka throughput).
var commands = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    // Each capability registers its bench command here, e.g. ["startup"] = StartupBench.RunAsync.
    ["metering"] = Onboarding.Benchmarks.Metering.MeteringBench.RunAsync,
    ["startup"] = Onboarding.Benchmarks.Startup.StartupBench.RunAsync,
};

if (args.Length > 0 && commands.TryGetValue(args[0], out var command))
{
    return await command(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
