// Placeholder entry point; the Lifecycle function is built in its own issue.
return 0;
