// Placeholder entry point; the Metering function is built in its own issue.
return 0;
