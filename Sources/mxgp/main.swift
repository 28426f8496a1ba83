print("mxgp")
