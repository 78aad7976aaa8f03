using System.Text.Json;
using Onboarding.Core.Enrichment;
using Onboarding.Lambda.Events;

namespace Onboarding.IntegrationTests.Enrichment;

internal sealed class InMemoryReferenceStore : IReferencePriceStore
{
    public Dictionary<string, ReferencePrice> Items { get; } = new(StringComparer.Ordinal);

    public int Loads { get; private set; }

    public int Saves { get; private set; }

    public Task<IReadOnlyList<ReferencePrice>> LoadAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken)
    {
        Loads++;
        IReadOnlyList<ReferencePrice> found = symbols.Where(Items.ContainsKey).Select(s => Items[s]).ToList();
        return Task.FromResult(found);
    }

    public Task<int> SaveAsync(IReadOnlyList<ReferencePrice> references, CancellationToken cancellationToken)
    {
        Saves++;
        var stale = 0;
        foreach (var reference in references)
        {
            if (Items.TryGetValue(reference.Symbol, out var stored) && stored.Date > reference.Date)
            {
                stale++;
                continue;
            }

            Items[reference.Symbol] = reference;
        }

        return Task.FromResult(stale);
    }
}

internal sealed class InMemoryPublisher : IEnrichedRecordPublisher
{
    public List<OutgoingRecord> Published { get; } = [];

    public Exception? FailWith { get; set; }

    public Task PublishAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        if (FailWith is not null)
        {
            throw FailWith;
        }

        Published.AddRange(records);
        return Task.CompletedTask;
    }
}

internal static class SampleEvents
{
    public static string Path(string name)
    {
        var copied = System.IO.Path.Combine(AppContext.BaseDirectory, "events", name);
        return File.Exists(copied) ? copied : throw new FileNotFoundException($"Sample event {name} was not copied to the test output.", copied);
    }

    public static MskEvent Load(string name) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(Path(name)), MskEventJsonContext.Default.MskEvent)
        ?? throw new InvalidDataException($"{name} holds no event.");
}
