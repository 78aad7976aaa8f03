// Placeholder entry point; the Enrichment function is built in its own issue.
return 0;
