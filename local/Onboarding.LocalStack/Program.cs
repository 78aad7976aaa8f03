using Onboarding.LocalStack;

// `dotnet run --project local/Onboarding.LocalStack`            the whole product on one machine
// `dotnet run --project local/Onboarding.LocalStack -- consume <bootstrap> <topic>`   print a topic
if (args is ["consume", var bootstrap, var topic, ..])
{
    return await TopicPrinter.RunAsync(bootstrap, topic);
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });

await using var stack = new LocalStack(Console.Out);
try
{
    await stack.StartAsync(stop.Token);
    Console.WriteLine(stack.Summary());
    await stack.RunUntilStoppedAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl-C while starting
}

Console.WriteLine("Stopping ...");
return 0;
