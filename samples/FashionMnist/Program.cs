using System.CommandLine;
using FashionMnistSample;

var root = new RootCommand("Trains the generated FashionCnn on Fashion-MNIST and prints its test accuracy.");
TrainCommand.Configure(root);
return root.Parse(args).Invoke();
