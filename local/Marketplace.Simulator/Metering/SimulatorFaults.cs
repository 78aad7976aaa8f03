namespace Marketplace.Simulator.Metering;

/// <summary>
/// Faults the next calls get, for retry tests. Counts go down as calls consume them.
/// <see cref="Operations"/> limits them to some operations (e.g. "BatchMeterUsage"); empty means every operation.
/// </summary>
public sealed record SimulatorFaults
{
    /// <summary>Next N calls answer HTTP 400 ThrottlingException.</summary>
    public int Throttle { get; init; }

    /// <summary>Next N calls (after throttling ones) answer <see cref="ServerErrorStatus"/> InternalServiceErrorException.</summary>
    public int ServerErrors { get; init; }

    public int ServerErrorStatus { get; set; } = 500;

    /// <summary>The next N usage records sent to BatchMeterUsage come back in UnprocessedRecords.</summary>
    public int UnprocessedRecords { get; init; }

    public List<string> Operations { get; set; } = [];
}
