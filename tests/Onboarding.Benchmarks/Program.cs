// Benchmarks are added per capability (enrichment, metering, Lambda start-up); see README.md.
Console.WriteLine("usage: dotnet run -c Release --project tests/Onboarding.Benchmarks -- <benchmark>");
return 0;
