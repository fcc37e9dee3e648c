using Dsl.Sweeps;
using FashionMnistSample;

return await FashionMnistCommandLine.RunAsync(new CommandLineApp(FashionMnistCommandLine.Description), args);
