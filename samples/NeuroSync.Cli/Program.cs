using NeuroSync.Cli;

return CliApplication.Run(args, Console.Out, Console.Error);
