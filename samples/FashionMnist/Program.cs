using Dsl.CommandLine;
using FashionMnistSample;

return await FashionMnistCommandLine.RunAsync(new CommandLineApp(FashionMnistCommandLine.Description), args);
