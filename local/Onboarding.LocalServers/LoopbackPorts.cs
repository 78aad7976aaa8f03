using System.Net;
using System.Net.Sockets;

namespace Onboarding.LocalServers;

/// <summary>Ports on 127.0.0.1 for the local servers, the tests' Kestrel hosts and the local stack.</summary>
public static class LoopbackPorts
{
    /// <summary>A port the OS reports free right now (released again, so the caller binds it next).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The conventional port when it is free, else any free port.</summary>
    public static int PreferredOrFree(int preferred)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, preferred);
            listener.Start();
            return preferred;
        }
        catch (SocketException)
        {
            return Free();
        }
    }
}
