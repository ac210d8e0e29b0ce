"""Citations the lessons share: (text, link). Pages pass a selection to `ui.sources`."""

SURESH_2016 = ("H. Suresh (2016), “Vanishing Gradients & LSTMs” (blog post; seed text)", "https://harinisuresh.com/2016/10/09/lstms/")
LECTURE_NOTES = ("“Vanishing and Exploding Gradients” + LSTMs, lecture notes (seed text)", None)
GROSSE_BA = (
    "R. Grosse & J. Ba, CSC421/2516 Lecture 14: Exploding and Vanishing Gradients, University of Toronto (seed text)",
    "https://www.cs.toronto.edu/~rgrosse/courses/csc421_2019/",
)
GLOROT_2010 = (
    "X. Glorot & Y. Bengio (2010), Understanding the difficulty of training deep feedforward neural networks, AISTATS",
    "https://proceedings.mlr.press/v9/glorot10a.html",
)
HE_2015 = ("K. He, X. Zhang, S. Ren & J. Sun (2015), Delving Deep into Rectifiers (He/Kaiming init)", "https://arxiv.org/abs/1502.01852")
SAXE_2014 = ("A. Saxe, J. McClelland & S. Ganguli (2014), Exact solutions to the nonlinear dynamics of learning in deep linear networks (orthogonal init)", "https://arxiv.org/abs/1312.6120")
PASCANU_2013 = ("R. Pascanu, T. Mikolov & Y. Bengio (2013), On the difficulty of training recurrent neural networks", "https://arxiv.org/abs/1211.5063")
CS231N = ("CS231n notes, Neural Networks Part 3 (the ~1e-3 update-ratio rule of thumb)", "https://cs231n.github.io/neural-networks-3/")
MNIST = ("Y. LeCun, C. Cortes & C. J. C. Burges, The MNIST database (CC BY-SA 3.0); test set used here", "http://yann.lecun.com/exdb/mnist/")
UCI_DIGITS = ("E. Alpaydin & C. Kaynak, Optical Recognition of Handwritten Digits, UCI (CC BY 4.0): the bundled 8×8 fallback", "https://doi.org/10.24432/C50P49")
HOCHREITER_1997 = (
    "S. Hochreiter & J. Schmidhuber (1997), Long short-term memory, Neural Computation 9(8): the constant error "
    "carousel (§4), the adding problem and the temporal-order task (§5.4, §5.6)",
    "https://doi.org/10.1162/neco.1997.9.8.1735",
)
GERS_2000 = (
    "F. Gers, J. Schmidhuber & F. Cummins (2000), Learning to forget: continual prediction with LSTM, "
    "Neural Computation 12(10): the forget gate",
    "https://doi.org/10.1162/089976600300015015",
)
LE_2015 = (
    "Q. Le, N. Jaitly & G. Hinton (2015), A simple way to initialize recurrent networks of rectified linear units "
    "(IRNN: ReLU, W_hh = I, zero biases; their adding problem is the version the LSTM lesson trains)",
    "https://arxiv.org/abs/1504.00941",
)
LSTM_QA = ("“How does LSTM prevent the vanishing gradient problem?” (Q&A thread; seed text)", None)
RNN_GRADIENT_BLOG = ("“The gradient problem in RNN” (blog post, 2019; seed text)", None)
