using NeuroSync.Web;

await using WebApplication app = NeuroSyncWebApp.Create(args);
await app.RunAsync();
