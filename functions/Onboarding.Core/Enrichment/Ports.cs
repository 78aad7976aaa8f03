namespace Onboarding.Core.Enrichment;

/// <summary>The stored reference closes (DynamoDB in production).</summary>
public interface IReferencePriceStore
{
    /// <summary>One batched read for all <paramref name="symbols"/>; symbols without a stored reference are absent.</summary>
    Task<IReadOnlyList<ReferencePrice>> LoadAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the references with a condition on the stored date, so a reference never moves back in time.
    /// Returns how many were not written because a newer date was already stored.
    /// </summary>
    Task<int> SaveAsync(IReadOnlyList<ReferencePrice> references, CancellationToken cancellationToken);
}

/// <summary>Produces outgoing records (Kafka in production).</summary>
public interface IEnrichedRecordPublisher
{
    /// <summary>
    /// Produces the records in list order (so order within a partition is kept) and returns once every record's
    /// delivery is confirmed; throws when any record was not delivered.
    /// </summary>
    Task PublishAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken);
}
