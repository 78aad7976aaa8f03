namespace Onboarding.Aws.MeteringLedger;

public sealed class MeteringLedgerOptions
{
    public const string Section = "MeteringLedger";

    /// <summary>Environment variable the SAM template sets to the ledger table's name.</summary>
    public const string TableNameVariable = "METERING_LEDGER_TABLE";

    public string TableName { get; set; } = "MeteringLedger";
}
