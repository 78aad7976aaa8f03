namespace Onboarding.Core.Enrichment;

/// <summary>Interns symbols so a repeated symbol costs a lookup, not a string.</summary>
internal sealed class SymbolTable
{
    private readonly HashSet<string> symbols = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public SymbolTable() => lookup = symbols.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Intern(ReadOnlySpan<char> symbol)
    {
        if (lookup.TryGetValue(symbol, out var existing))
        {
            return existing;
        }

        // A feed has a bounded universe of symbols; the cap only guards against garbage input.
        if (symbols.Count > 100_000)
        {
            symbols.Clear();
        }

        var created = symbol.ToString();
        symbols.Add(created);
        return created;
    }
}
